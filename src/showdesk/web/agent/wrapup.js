// Wrap-up: once a chat has ended, its panel asks for a wrap-up code (and an optional note) before it
// closes. When the chat's queue requires a code, Close waits for one; otherwise the agent may close
// without. Test ids: wrapup-form, wrapup-select, wrapup-note, wrapup-submit, wrapup-status.

import { describeError } from '/static/error-text.js';
import { el } from '/static/dom.js';

let forms = 0; // ids for labels

export class WrapupForm {
  required = false;
  #api;
  #conversationId;
  #form;
  #select;
  #note;
  #submit;
  #status;
  #shown = false;

  /** `api`: WorkApi (or null when signed out); the form is placed before `before` in `container`. */
  constructor(container, before, conversationId, api) {
    this.#api = api;
    this.#conversationId = conversationId;
    const n = ++forms;
    this.#select = el('select', { class: 'input', id: `wrapup-code-${n}`, 'data-testid': 'wrapup-select' });
    this.#note = el('textarea', {
      class: 'input', id: `wrapup-note-${n}`, rows: '2', maxlength: '1000', 'data-testid': 'wrapup-note',
    });
    this.#submit = el('button', { class: 'btn btn-primary btn-sm', type: 'submit', 'data-testid': 'wrapup-submit' }, 'Done');
    this.#status = el('p', { class: 'wrapup__status', role: 'status', 'data-testid': 'wrapup-status' });
    this.#form = el('form', { class: 'wrapup', 'data-testid': 'wrapup-form', 'aria-label': 'Wrap-up', hidden: true },
      el('h3', { class: 'wrapup__title' }, 'Wrap-up'),
      el('label', { for: `wrapup-code-${n}` }, 'Wrap-up code'), this.#select,
      el('label', { for: `wrapup-note-${n}` }, 'Note (optional)'), this.#note,
      el('div', { class: 'wrapup__actions' }, this.#submit), this.#status);
    container.insertBefore(this.#form, before);
  }

  /** The chat ended: ask for the wrap-up. `onDone` closes the panel; `close` is its Close button. */
  async show({ onDone, close, focus }) {
    if (this.#shown || !this.#api) return;
    this.#shown = true;
    close.hidden = this.required; // a required code comes before the chat closes
    let codes = [];
    try {
      codes = await this.#api.wrapupCodes();
    } catch (error) {
      this.#status.textContent = describeError(error).title;
    }
    if (!codes.length && !this.required) return; // nothing to pick: Close as before
    this.#select.replaceChildren(
      el('option', { value: '' }, this.required ? 'Choose a code…' : 'No code'),
      ...codes.map((code) => el('option', { value: code.id }, code.name)));
    this.#form.hidden = false;
    if (focus) this.#select.focus();
    this.#form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const code = this.#select.value || null;
      if (!code && this.required) {
        this.#status.textContent = 'This queue asks for a wrap-up code: choose one to close the chat.';
        this.#select.focus();
        return;
      }
      this.#submit.disabled = true;
      this.#status.textContent = 'Saving…';
      try {
        await this.#api.wrapUp(this.#conversationId, code, this.#note.value.trim() || null);
        this.#status.textContent = 'Saved.';
        onDone();
      } catch (error) {
        this.#submit.disabled = false;
        this.#status.textContent = describeError(error).title;
      }
    });
  }
}

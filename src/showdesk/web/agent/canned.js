// Canned responses in a chat's reply box: "/" at its start opens a list of the organization's and the
// agent's own responses, filtered by the words typed after the slash; arrow keys move, Enter (or a click)
// puts the chosen one in the reply box with the chat's names filled in by the server (sent only when the
// agent sends), Escape closes. "Save as canned" keeps the reply box's text as a personal response.
//
// Test ids: canned-list (role listbox), canned-item (role option, data-id), canned-empty, canned-save-open,
// canned-save-title, canned-save-submit, canned-save-status.

import { apiCall } from '/static/staff-session.js';
import { describeError } from '/static/error-text.js';
import { el } from '/static/dom.js';

const PATH = '/api/v2/canned-responses';
let lists = 0; // ids for each picker's listbox and options

/** The REST calls, with the signed-in agent's token. */
export class CannedResponses {
  #token;

  constructor(token) {
    this.#token = token;
  }

  /** The responses the agent may insert, each with `filled`: its text with this chat's names in. */
  forChat(conversationId) {
    return this.#call('GET', `${PATH}?conversationId=${encodeURIComponent(conversationId)}`);
  }

  savePersonal(title, text) {
    return this.#call('POST', PATH, { scope: 'personal', title, text });
  }

  #call(method, path, body) {
    return apiCall(method, path, this.#token, body);
  }

}

/** Whether a search finds a response: every word of it in the title or the text, in any case (as the server's `q`). */
export function cannedMatches(response, query) {
  const haystack = `${response.title}\n${response.text}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((word) => haystack.includes(word));
}

export class CannedPicker {
  #form;
  #input;
  #conversationId;
  #api;
  #list;
  #empty;
  #saveRow;
  #saveTitle;
  #saveStatus;
  #loaded = null; // Promise of the responses, while the list is open
  #shown = [];
  #active = -1;
  #open = false;

  /** `api()`: the signed-in agent's CannedResponses (or null when signed out). */
  constructor(form, input, conversationId, api) {
    this.#form = form;
    this.#input = input;
    this.#conversationId = conversationId;
    this.#api = api;
    const listId = `canned-list-${++lists}`;
    this.#list = el('ul', {
      class: 'canned-list', id: listId, role: 'listbox', 'aria-label': 'Canned responses', testid: 'canned-list',
      hidden: true,
    });
    this.#empty = el('p', { class: 'canned-empty', testid: 'canned-empty', role: 'status', hidden: true });
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', listId);
    form.classList.add('composer--canned');
    form.prepend(this.#list, this.#empty);
    this.#buildSaveRow();
    input.addEventListener('input', () => this.#typed());
    input.addEventListener('blur', () => this.close());
    // Captured on the form, so the list's keys are handled before the reply box's own Enter-sends.
    form.addEventListener('keydown', (event) => this.#key(event), true);
  }

  get isOpen() { return this.#open; }

  close() {
    if (!this.#open) return;
    this.#open = false;
    this.#loaded = null;
    this.#list.hidden = true;
    this.#empty.hidden = true;
    this.#input.removeAttribute('aria-activedescendant');
  }

  #typed() {
    const value = this.#input.value;
    if (!value.startsWith('/') || value.includes('\n')) {
      this.close();
      return;
    }
    if (!this.#open) {
      this.#open = true;
      const api = this.#api();
      this.#loaded = api ? api.forChat(this.#conversationId) : Promise.reject(new Error('Not signed in'));
      this.#showWords('Loading canned responses…');
    }
    const loading = this.#loaded;
    loading.then((responses) => {
      if (this.#loaded === loading) this.#filter(responses, this.#input.value.slice(1));
    }, (error) => {
      if (this.#loaded === loading) this.#showWords(`Canned responses could not be loaded: ${describeError(error).title}`);
    });
  }

  #filter(responses, query) {
    if (!this.#open) return;
    this.#shown = responses.filter((response) => cannedMatches(response, query));
    if (!this.#shown.length) {
      this.#showWords(responses.length
        ? 'No canned response matches. Keep typing to send it as it is, or press Escape.'
        : 'No canned responses yet. Write a reply and press "Save as canned" to keep it.');
      return;
    }
    const listId = this.#list.id;
    this.#list.replaceChildren(...this.#shown.map((response, index) => el('li', {
      class: 'canned-item', role: 'option', id: `${listId}-${index}`, testid: 'canned-item',
      dataset: { id: response.id }, 'aria-selected': 'false',
      onmousedown: (event) => event.preventDefault(), // the reply box keeps the focus
      onclick: () => this.#pick(index),
    },
    el('span', { class: 'canned-item__title', text: response.title }),
    response.scope === 'personal' ? el('span', { class: 'canned-item__scope', text: 'yours' }) : null,
    el('span', { class: 'canned-item__text', text: response.filled ?? response.text }))));
    this.#empty.hidden = true;
    this.#list.hidden = false;
    this.#move(0, true);
  }

  #showWords(words) {
    this.#shown = [];
    this.#list.hidden = true;
    this.#list.replaceChildren();
    this.#input.removeAttribute('aria-activedescendant');
    this.#empty.textContent = words;
    this.#empty.hidden = false;
  }

  #move(to, absolute = false) {
    if (!this.#shown.length) return;
    const count = this.#shown.length;
    this.#active = absolute ? to : (this.#active + to + count) % count;
    for (const [index, item] of [...this.#list.children].entries()) {
      item.setAttribute('aria-selected', String(index === this.#active));
      if (index === this.#active) {
        this.#input.setAttribute('aria-activedescendant', item.id);
        item.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  #key(event) {
    if (event.target !== this.#input || !this.#open || event.isComposing) return;
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key === 'Escape') {
      this.close();
    } else if (event.key in moves && this.#shown.length) {
      this.#move(moves[event.key]);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && this.#shown.length) {
      this.#pick(this.#active);
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  #pick(index) {
    const response = this.#shown[index];
    if (!response) return;
    this.close();
    this.#input.value = response.filled ?? response.text;
    this.#input.focus();
    this.#input.setSelectionRange(this.#input.value.length, this.#input.value.length);
    this.#input.dispatchEvent(new Event('input', { bubbles: true })); // the customer sees the agent typing
  }

  #buildSaveRow() {
    const titleId = `${this.#list.id}-title`;
    this.#saveTitle = el('input', {
      class: 'input input--sm', id: titleId, type: 'text', maxlength: 100, testid: 'canned-save-title',
      placeholder: 'e.g. Opening hours', autocomplete: 'off',
      onkeydown: (event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault(); // not the reply's Send
        this.#save();
      },
    });
    this.#saveStatus = el('span', { class: 'canned-save__status', testid: 'canned-save-status', role: 'status' });
    this.#saveRow = el('div', { class: 'canned-save', hidden: true },
      el('label', { htmlFor: titleId, text: 'Title of your canned response' }),
      this.#saveTitle,
      el('button', { class: 'btn btn-primary btn-sm', type: 'button', testid: 'canned-save-submit', text: 'Save',
        onclick: () => this.#save() }),
      el('button', { class: 'btn btn-ghost btn-sm', type: 'button', text: 'Cancel',
        onclick: () => { this.#saveRow.hidden = true; this.#input.focus(); } }));
    const opener = el('button', {
      class: 'btn btn-ghost btn-sm composer__canned', type: 'button', testid: 'canned-save-open', text: 'Save as canned',
      title: 'Keep the text in the reply box as a canned response of your own (insert it later with /)',
      onclick: () => {
        this.#saveStatus.textContent = '';
        this.#saveRow.hidden = !this.#saveRow.hidden;
        if (!this.#saveRow.hidden) this.#saveTitle.focus();
      },
    });
    this.#form.append(opener, this.#saveRow, this.#saveStatus);
  }

  async #save() {
    const title = this.#saveTitle.value.trim();
    const text = this.#input.value.trim();
    if (!title || !text) {
      this.#saveStatus.textContent = !text ? 'Write the reply to keep first.' : 'Give it a title.';
      return;
    }
    const api = this.#api();
    try {
      if (!api) throw new Error('Not signed in');
      const saved = await api.savePersonal(title, text);
      this.#saveTitle.value = '';
      this.#saveRow.hidden = true;
      this.#saveStatus.textContent = `Saved "${saved.title}": type /${saved.title.split(/\s+/)[0].toLowerCase()} to insert it.`;
      this.#input.focus();
    } catch (error) {
      this.#saveStatus.textContent = `Not saved: ${describeError(error).title}`;
    }
  }
}

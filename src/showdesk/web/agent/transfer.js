// Transfer: the chat's agent sends it to another queue or to a named agent, with a note for the next
// agent. One dialog for the desktop, opened from a chat's Transfer button. A live video ends with the
// transfer (the customer is told why); a queue that takes no video says so before the agent confirms.
// Test ids: transfer (the chat's button), transfer-dialog, transfer-to-queue, transfer-to-agent,
// transfer-queue, transfer-agent, transfer-note, transfer-submit, transfer-cancel, transfer-status.

import { describeError } from '/static/error-text.js';
import { el } from '/static/dom.js';

const STATUS_WORDS = { on_queue: 'available', busy: 'busy: it waits for a free slot', off_queue: 'off queue', not_responding: 'not responding' };
const CAN_TAKE = new Set(['on_queue', 'busy']);

export class TransferDialog {
  #api = null;
  #dialog;
  #toQueue;
  #toAgent;
  #queue;
  #agent;
  #note;
  #submit;
  #status;
  #warning;
  #conversationId = null;
  #hasVideo = false;
  #queues = [];

  constructor(parent) {
    const radio = (value, label, testid) => {
      const input = el('input', { type: 'radio', name: 'transfer-kind', value, 'data-testid': testid });
      input.addEventListener('change', () => this.#kindChanged());
      return [input, el('label', {}, input, ` ${label}`)];
    };
    const [toQueue, queueLabel] = radio('queue', 'To a queue', 'transfer-to-queue');
    const [toAgent, agentLabel] = radio('agent', 'To an agent', 'transfer-to-agent');
    this.#toQueue = toQueue;
    this.#toAgent = toAgent;
    this.#queue = el('select', { class: 'input', id: 'transfer-queue', 'data-testid': 'transfer-queue' });
    this.#agent = el('select', { class: 'input', id: 'transfer-agent', 'data-testid': 'transfer-agent' });
    this.#note = el('textarea', { class: 'input', id: 'transfer-note', rows: '3', maxlength: '1000', 'data-testid': 'transfer-note' });
    this.#warning = el('p', { class: 'transfer__warning', 'data-testid': 'transfer-warning', hidden: true });
    this.#status = el('p', { class: 'transfer__status', role: 'status', 'data-testid': 'transfer-status' });
    this.#submit = el('button', { class: 'btn btn-primary', type: 'submit', 'data-testid': 'transfer-submit' }, 'Transfer');
    const cancel = el('button', { class: 'btn btn-secondary', type: 'button', 'data-testid': 'transfer-cancel' }, 'Cancel');
    cancel.addEventListener('click', () => this.#dialog.close());
    this.#queue.addEventListener('change', () => this.#explain());
    const form = el('form', { class: 'transfer', method: 'dialog' },
      el('h2', { id: 'transfer-title' }, 'Transfer chat'),
      el('fieldset', { class: 'transfer__kind' }, el('legend', {}, 'Where to'), queueLabel, agentLabel),
      el('label', { for: 'transfer-queue' }, 'Queue'), this.#queue,
      el('label', { for: 'transfer-agent' }, 'Agent'), this.#agent,
      el('label', { for: 'transfer-note' }, 'Note for the next agent (optional)'), this.#note,
      this.#warning, this.#status,
      el('div', { class: 'transfer__actions' }, cancel, this.#submit));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#send();
    });
    this.#dialog = el('dialog', { class: 'transfer-dialog card', 'data-testid': 'transfer-dialog', 'aria-labelledby': 'transfer-title' }, form);
    parent.append(this.#dialog);
  }

  /** The signed-in agent's WorkApi (null when signed out). */
  set api(api) {
    this.#api = api;
  }

  /** Open for one chat; `hasVideo`: a video is on in it (it will end). */
  async open(conversationId, { hasVideo = false } = {}) {
    if (!this.#api) return;
    this.#conversationId = conversationId;
    this.#hasVideo = hasVideo;
    this.#status.textContent = 'Loading…';
    this.#submit.disabled = true;
    this.#note.value = '';
    this.#toQueue.checked = true;
    this.#dialog.showModal();
    try {
      const { queues, agents } = await this.#api.transferTargets();
      this.#queues = queues;
      this.#queue.replaceChildren(...queues.map((q) => el('option', { value: q.id }, q.video ? q.name : `${q.name} (no video)`)));
      this.#agent.replaceChildren(...agents.map((a) => el('option', { value: a.id, disabled: !CAN_TAKE.has(a.status) },
        `${a.name}, ${STATUS_WORDS[a.status] ?? a.status}`)));
      const firstAvailable = agents.find((a) => CAN_TAKE.has(a.status));
      if (firstAvailable) this.#agent.value = firstAvailable.id;
      else this.#agent.prepend(el('option', { value: '', selected: true }, 'No other agent is on queue now'));
      this.#status.textContent = '';
      this.#submit.disabled = false;
    } catch (error) {
      this.#status.textContent = describeError(error).title;
    }
    this.#kindChanged();
  }

  #kindChanged() {
    const toQueue = this.#toQueue.checked;
    this.#queue.disabled = !toQueue;
    this.#agent.disabled = toQueue;
    this.#explain();
  }

  #explain() {
    const queue = this.#queues.find((q) => q.id === this.#queue.value);
    let words = '';
    if (this.#toQueue.checked && queue && !queue.video) {
      words = `${queue.name} takes no video${this.#hasVideo ? ': the live video ends, and the customer is told why.' : '.'}`;
    } else if (this.#hasVideo) {
      words = 'The live video ends with the transfer; the next agent can ask for it again.';
    }
    this.#warning.textContent = words;
    this.#warning.hidden = !words;
  }

  async #send() {
    const toQueue = this.#toQueue.checked;
    const target = toQueue ? { queueId: this.#queue.value } : { agentId: this.#agent.value };
    if (!Object.values(target)[0]) {
      this.#status.textContent = toQueue ? 'Choose a queue.' : 'Choose an agent who is on queue.';
      return;
    }
    this.#submit.disabled = true;
    this.#status.textContent = 'Transferring…';
    try {
      const done = await this.#api.transfer(this.#conversationId, target, this.#note.value.trim() || null);
      this.#status.textContent = `Transferred to ${done.toAgentName ?? done.queueName}.`;
      this.#dialog.close();
    } catch (error) {
      this.#submit.disabled = false;
      this.#status.textContent = describeError(error).title;
    }
  }
}

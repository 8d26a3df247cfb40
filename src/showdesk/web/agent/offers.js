// Incoming chat offers: customer (and whether they are still there), queue, a countdown to expiresAt,
// Accept and Decline.

import { ACCEPT_SHORTCUT } from './alerts.js';
import { showCustomerPresence } from './interactions.js';

const TICK_MS = 250;

export class OfferAlerts {
  #container;
  #template;
  #onAccept;
  #onDecline;
  #offers = new Map(); // conversationId -> {element, expiresAt, totalMs}
  #timer = null;
  #onCountChange;
  #onArrival;

  /** `onArrival(offer, focus)`: a new offer (not one shown again), and how to bring it to the agent's eyes. */
  constructor(container, template, { onAccept, onDecline, onCountChange = () => {}, onArrival = () => {} }) {
    this.#container = container;
    this.#template = template;
    this.#onAccept = onAccept;
    this.#onDecline = onDecline;
    this.#onCountChange = onCountChange;
    this.#onArrival = onArrival;
  }

  get count() { return this.#offers.size; }
  has(conversationId) { return this.#offers.has(conversationId); }

  show(offer) {
    const { conversationId } = offer;
    if (!conversationId) return;
    let entry = this.#offers.get(conversationId);
    const arriving = !entry;
    if (!entry) {
      entry = { element: this.#build(conversationId) };
      this.#offers.set(conversationId, entry);
      this.#container.append(entry.element);
    }
    entry.expiresAt = parseTime(offer.expiresAt);
    entry.totalMs ??= Math.max(1000, (entry.expiresAt ?? Date.now()) - Date.now());
    const el = entry.element;
    el.querySelector('.offer__customer').textContent = offer.customerName || 'Customer';
    el.querySelector('.offer__queue').textContent = offer.queue || 'No queue';
    const transfer = offer.transfer;
    if (transfer) { // passed on by another agent: who, and their note
      const line = el.querySelector('.offer__transfer');
      line.textContent = `Transferred by ${transfer.fromAgentName}${transfer.note ? `: “${transfer.note}”` : ''}`;
      line.hidden = false;
    }
    const lastWords = [...(offer.messages ?? [])].reverse().find((m) => m.from === 'customer');
    this.#setPreview(el, lastWords?.text);
    if (offer.customer) showCustomerPresence(el.querySelector('.customer-presence'), offer.customer);
    this.#tick();
    this.#ensureTimer();
    this.#onCountChange(this.count);
    if (arriving) {
      const accept = el.querySelector('[data-testid="accept-interaction"]');
      const focus = () => accept.focus();
      // Focus goes to the new offer, unless the agent is typing a reply: a keystroke must never accept.
      if (!document.activeElement?.matches?.('textarea, input, select, [contenteditable="true"]')) focus();
      this.#onArrival(offer, focus);
    }
  }

  /** The keyboard's accept (ACCEPT_SHORTCUT): the offer that came first. */
  acceptFirst() {
    const first = this.#offers.values().next().value;
    const accept = first?.element.querySelector('[data-testid="accept-interaction"]');
    if (accept && !accept.disabled) accept.click();
  }

  /** A customer kept typing while the offer was out: keep the preview current. */
  addMessage(conversationId, message) {
    const entry = this.#offers.get(conversationId);
    if (entry && message.from === 'customer') this.#setPreview(entry.element, message.text);
  }

  /** `customerPresence` for a chat on offer: the agent sees the customer went away before accepting. */
  customerPresence(conversationId, status) {
    const entry = this.#offers.get(conversationId);
    if (entry) showCustomerPresence(entry.element.querySelector('.customer-presence'), status);
  }

  remove(conversationId) {
    const entry = this.#offers.get(conversationId);
    if (!entry) return;
    this.#offers.delete(conversationId);
    entry.element.remove();
    if (!this.#offers.size) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    this.#onCountChange(this.count);
  }

  /** The server refused an accept or decline (its error does not say which offer): try again. */
  enableAll() {
    for (const { element } of this.#offers.values()) {
      const accept = element.querySelector('[data-testid="accept-interaction"]');
      const decline = element.querySelector('[data-testid="decline-interaction"]');
      accept.disabled = decline.disabled = false;
      accept.textContent = 'Accept';
      decline.textContent = 'Decline';
    }
  }

  /** After (re)connecting: exactly the offers the server still holds for this agent. */
  replaceAll(offers = []) {
    const keep = new Set(offers.map((offer) => offer.conversationId));
    for (const id of [...this.#offers.keys()]) if (!keep.has(id)) this.remove(id);
    for (const offer of offers) this.show(offer);
  }

  #build(conversationId) {
    const element = this.#template.content.firstElementChild.cloneNode(true);
    element.dataset.conversationId = conversationId;
    const accept = element.querySelector('[data-testid="accept-interaction"]');
    const decline = element.querySelector('[data-testid="decline-interaction"]');
    accept.setAttribute('aria-keyshortcuts', ACCEPT_SHORTCUT);
    accept.title = `Accept (${ACCEPT_SHORTCUT})`;
    accept.addEventListener('click', () => {
      accept.disabled = decline.disabled = true;
      accept.textContent = 'Accepting…';
      this.#onAccept(conversationId);
    });
    decline.addEventListener('click', () => {
      accept.disabled = decline.disabled = true;
      decline.textContent = 'Declining…';
      this.#onDecline(conversationId);
    });
    return element;
  }

  #setPreview(element, text) {
    const preview = element.querySelector('.offer__preview');
    preview.textContent = text ? `“${text}”` : 'No message yet';
    preview.classList.toggle('offer__preview--empty', !text);
  }

  #ensureTimer() {
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS);
  }

  #tick() {
    const now = Date.now();
    for (const { element, expiresAt, totalMs } of this.#offers.values()) {
      const countdown = element.querySelector('.offer__countdown');
      const fill = element.querySelector('.offer__bar-fill');
      if (expiresAt == null) {
        countdown.textContent = '';
        continue;
      }
      const leftMs = Math.max(0, expiresAt - now);
      countdown.textContent = leftMs > 0 ? `${Math.ceil(leftMs / 1000)} s left` : 'Expiring…';
      fill.style.width = `${Math.min(100, (leftMs / totalMs) * 100)}%`;
      element.classList.toggle('offer--urgent', leftMs <= 10_000);
    }
  }
}

/** expiresAt as epoch ms, from an ISO string, epoch seconds or epoch milliseconds. */
function parseTime(value) {
  if (value == null || value === '') return null;
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

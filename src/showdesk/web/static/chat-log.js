// A chat transcript on screen, shared by the customer widget and the agent desktop.
// Messages are deduplicated by id and kept in seq order; all text goes in through textContent,
// so whatever a participant types is shown literally and never parsed as HTML; its http and https
// addresses become links that open in a new tab (links.js). A message that carries
// a photo shows it as an `<img>` at its full resolution (scaled down on screen only), with a download link.

import { photoFigure } from './chat-photo.js';
import { appendLinked } from './links.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const ENGLISH = { you: 'You', agent: 'Agent', customer: 'Customer', sending: 'Sending…', notSent: 'Not sent' };

export class ChatLog {
  #list;
  #self;
  #photos;
  #words;
  #systemText;
  #byId = new Map();
  #seen = null; // the "Seen" line under the latest of this screen's own messages the other side has seen
  #seenUpTo = 0;

  /**
   * @param {HTMLElement} list the element (`role="log"`) that holds the messages
   * @param {{self: 'customer'|'agent', photos?: {load: (photo) => Promise<string>,
   *   actions?: {label: string, testId: string, run: (photo, message) => void}[]}}} options
   *   whose messages are "mine" on this screen; how photos are loaded (object URLs) and what can be done with one
   * @param {{words?: (key: string) => string, systemText?: (message) => string|null}} [options] the screen's
   *   words for "You", "Sending…" and the like; how a system line reads in the screen's language (null: the
   *   server's English sentence)
   */
  constructor(list, { self, photos = null, words = null, systemText = null }) {
    this.#list = list;
    this.#self = self;
    this.#photos = photos;
    this.#words = (key) => (words ? words(key) : ENGLISH[key]);
    this.#systemText = systemText;
  }

  get element() { return this.#list; }

  has(id) { return this.#byId.has(id); }

  /** Show a message once; a repeat with the same id changes nothing. */
  upsert(message) {
    if (!message?.id || this.has(message.id)) return;
    const stick = this.#nearBottom();
    const adopted = message.from === this.#self && this.#adoptPending(message);
    const item = adopted || this.#build(message);
    item.dataset.messageId = message.id;
    this.#byId.set(message.id, item);
    this.#place(item, message.seq);
    if (stick || adopted) this.scrollToEnd();
  }

  replaceAll(messages) {
    for (const item of this.#byId.values()) item.remove();
    this.#byId.clear();
    for (const message of messages) this.upsert(message);
    this.#placeSeen();
  }

  /**
   * The other side has seen this screen's messages up to seq `upTo`: `text` ("Seen") under the latest of
   * them, one line at a time (data-testid="seen-receipt").
   */
  showSeen(upTo, text) {
    if (!(upTo > this.#seenUpTo)) return;
    this.#seenUpTo = upTo;
    if (!this.#seen) {
      this.#seen = document.createElement('p');
      this.#seen.className = 'msg__seen';
      this.#seen.dataset.testid = 'seen-receipt';
    }
    this.#seen.textContent = text;
    this.#placeSeen();
  }

  #placeSeen() {
    if (!this.#seen) return;
    const mine = [...this.#list.querySelectorAll(`[data-message-id][data-from="${this.#self}"]`)]
      .filter((item) => Number(item.dataset.seq) <= this.#seenUpTo).pop();
    if (mine) mine.after(this.#seen);
    else this.#seen.remove();
  }

  /** A message on its way: shown at once, confirmed by the ack or by its own message frame. */
  addPending(text, displayName) {
    const item = this.#build({ from: this.#self, text, displayName, at: null });
    item.classList.add('msg--pending');
    item.dataset.pendingText = text;
    this.#list.append(item);
    this.scrollToEnd();
    return {
      confirm: ({ id, seq }) => {
        if (!item.isConnected || item.dataset.messageId) return;
        if (this.has(id)) { item.remove(); return; }
        this.#settle(item, { id, seq, at: new Date().toISOString() });
        this.#byId.set(id, item);
        this.#place(item, seq);
      },
      fail: (reason) => {
        item.classList.remove('msg--pending');
        item.classList.add('msg--failed');
        delete item.dataset.pendingText;
        item.querySelector('.msg__meta').textContent = `${this.#words('notSent')}${reason ? ` — ${reason}` : ''}`;
      },
    };
  }

  /** A line from this screen itself (e.g. "Dana joined"), not part of the stored transcript. */
  addNotice(text) {
    const item = this.#build({ from: 'notice', text });
    item.classList.replace('msg--theirs', 'msg--notice');
    this.#list.append(item);
    this.scrollToEnd();
  }

  clear() {
    this.#byId.clear();
    this.#list.replaceChildren();
    this.#seenUpTo = 0;
  }

  scrollToEnd() {
    this.#list.scrollTop = this.#list.scrollHeight;
  }

  #build(message) {
    const item = this.#buildText(message);
    if (message.photo && this.#photos) item.append(photoFigure(message, this.#photos, this.#words));
    return item;
  }

  #buildText(message) {
    const { from, displayName, at } = message;
    const text = (from === 'system' && this.#systemText?.(message)) || message.text;
    const item = document.createElement('div');
    const role = from === 'system' ? 'system' : from === this.#self ? 'mine' : 'theirs';
    item.className = `msg msg--${role}`;
    item.dataset.from = from;
    const meta = document.createElement('span');
    meta.className = 'msg__meta';
    meta.textContent = describeSender(from, displayName, at, this.#self, this.#words);
    const body = document.createElement('p');
    body.className = 'msg__text';
    appendLinked(body, text ?? '');
    item.append(meta, body);
    return item;
  }

  #settle(item, { id, seq, at }) {
    item.dataset.messageId = id;
    item.dataset.seq = String(seq);
    item.classList.remove('msg--pending');
    delete item.dataset.pendingText;
    const meta = item.querySelector('.msg__meta');
    meta.textContent = describeSender(item.dataset.from, null, at, this.#self, this.#words);
  }

  /** Our own message arrived from the server: reuse the bubble shown while it was pending. */
  #adoptPending(message) {
    const pending = [...this.#list.querySelectorAll('.msg--pending')]
      .find((item) => item.dataset.pendingText === message.text);
    if (!pending) return null;
    this.#settle(pending, message);
    return pending;
  }

  #place(item, seq) {
    item.dataset.seq = String(seq);
    const later = [...this.#list.querySelectorAll('[data-message-id]')]
      .find((other) => other !== item && Number(other.dataset.seq) > seq);
    if (later) this.#list.insertBefore(item, later);
    else if (!item.isConnected || item.nextElementSibling) this.#appendAfterMessages(item);
  }

  #appendAfterMessages(item) {
    // Pending bubbles stay last: they are newer than anything the server has confirmed.
    const firstPending = this.#list.querySelector('.msg--pending');
    if (firstPending && firstPending !== item) this.#list.insertBefore(item, firstPending);
    else this.#list.append(item);
  }

  #nearBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.#list;
    return scrollHeight - scrollTop - clientHeight < 80;
  }
}

function describeSender(from, displayName, at, self, words) {
  const who = from === self ? words('you') : displayName || words(from === 'agent' ? 'agent' : 'customer');
  const when = at ? timeFormat.format(new Date(at)) : words('sending');
  return from === 'system' || from === 'notice' ? '' : `${who} · ${when}`;
}

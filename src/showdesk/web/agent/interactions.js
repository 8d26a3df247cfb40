// The agent's accepted chats, side by side: one panel per conversation with its own transcript,
// reply box and End button. Transcripts merge by message id, so a reconnect never duplicates.

import { ChatLog } from '/static/chat-log.js';
import { describeError } from '/static/error-text.js';
import { TypingSender, TypingWatch } from '/sdk/typing.js';
import { SeenSender } from '/sdk/seen.js';
import { VideoPane } from './video.js';
import { WrapupForm } from './wrapup.js';
import { CannedPicker } from './canned.js';
import { CustomerPanel } from '/static/customer-panel.js';

// Whether the customer is there: a page of theirs connected, none for less than the grace, or gone.
export const CUSTOMER_PRESENCE = {
  online: 'Customer online',
  away: 'Customer away (page closed or offline)',
  left: 'Customer has left',
};

export function showCustomerPresence(element, status) {
  const known = status in CUSTOMER_PRESENCE ? status : 'online';
  element.dataset.status = known;
  element.textContent = CUSTOMER_PRESENCE[known];
}

// Lines of a chat that reach the desktop before its panel does: the socket follows a chat as soon as it is
// accepted, so a customer's first lines can overtake the accept's answer (the interaction frame, whose
// transcript was read before them). Kept, within these bounds, until the panel exists.
const EARLY_CHATS = 20;
const EARLY_LINES = 100;

// The transcript already carries the server's "… ended the chat." line; the header says who.
const ENDED_STATE = { customer: 'Ended by the customer', agent: 'Ended by you', system: 'Ended' };

export class InteractionBoard {
  #container;
  #template;
  #emptyState;
  #onSend;
  #onEnd;
  #sendFrame;
  #onTyping;
  #onSeen;
  #onUnreadChange;
  #photos;
  #canned;
  #work; // () => the agent's WorkApi (transfer, wrap-up), or null
  #onTransfer;
  #customer; // (conversationId) => the customer panel's data, or null
  #permissions = [];
  #panels = new Map(); // conversationId -> Panel
  #early = new Map(); // conversationId -> messages that came before its panel

  /** `photos`: `load(photo)` for the chats' photos and `annotate(conversationId, photo, url)` to mark one up;
   *  `canned()`: the signed-in agent's canned responses (canned.js), or null. */
  constructor(container, template, emptyState, {
    onSend, onEnd, onTyping, onSeen, onUnreadChange, sendFrame, photos, canned, work, onTransfer, customer,
  }) {
    this.#customer = customer ?? null;
    this.#work = work ?? (() => null);
    this.#onTransfer = onTransfer;
    this.#photos = photos;
    this.#canned = canned ?? (() => null);
    this.#onTyping = onTyping;
    this.#onSeen = onSeen;
    // Back in front of the agent: the chat in focus has been seen.
    document.addEventListener('visibilitychange', () => {
      for (const panel of this.#panels.values()) panel.markSeen();
    });
    this.#onUnreadChange = onUnreadChange ?? (() => {});
    this.#container = container;
    this.#template = template;
    this.#emptyState = emptyState;
    this.#onSend = onSend;
    this.#onEnd = onEnd;
    this.#sendFrame = sendFrame;
  }

  /** The signed-in agent's permissions (from `ready`): they decide which video buttons show. */
  setPermissions(permissions = []) {
    this.#permissions = [...permissions];
    for (const panel of this.#panels.values()) panel.configureVideo(this.#permissions);
  }

  /** The customer of one of the chats on screen started or stopped typing. */
  typing(frame) {
    this.#panels.get(frame.conversationId)?.typingWatch.onFrame(frame);
  }

  /** The customer has seen the agent's messages of one of the chats on screen up to `upTo`. */
  seen(frame) {
    if (frame.by === 'customer') this.#panels.get(frame.conversationId)?.log.showSeen(frame.upTo, 'Seen');
  }

  /** A video frame for one of the chats on screen. */
  videoFrame(frame) {
    this.#panels.get(frame.conversationId)?.video.onFrame(frame);
  }

  /** A refused video frame (its error names no chat): every pane waiting on a request may try again. */
  videoRefused() {
    for (const panel of this.#panels.values()) panel.video.requestRefused();
  }

  get activeCount() {
    return [...this.#panels.values()].filter((panel) => panel.active).length;
  }

  has(conversationId) { return this.#panels.has(conversationId); }

  /** Customer messages that arrived while their chat was not in the agent's focus. */
  unreadCount() { return [...this.#panels.values()].reduce((sum, panel) => sum + panel.unread, 0); }

  /** How many chats on screen are still going on (not ended). */
  openCount() { return [...this.#panels.values()].filter((panel) => panel.active).length; }

  /** An `interaction` frame (accept answer, or one of `ready.interactions`). */
  upsert(interaction) {
    const { conversationId } = interaction;
    if (!conversationId) return;
    let panel = this.#panels.get(conversationId);
    const isNew = !panel;
    if (isNew) {
      panel = new Panel(this.#template, conversationId, {
        onSend: this.#onSend, onEnd: this.#onEnd, onClose: () => this.#remove(conversationId),
        onTyping: this.#onTyping, onSeen: this.#onSeen, sendFrame: this.#sendFrame, photos: this.#photos, canned: this.#canned,
        work: this.#work, onTransfer: this.#onTransfer, customer: this.#customer,
        onUnread: () => this.#onUnreadChange(this.unreadCount()),
      });
      this.#panels.set(conversationId, panel);
      this.#container.append(panel.element);
    }
    panel.update(interaction);
    for (const message of this.#early.get(conversationId) ?? []) panel.addMessage(message);
    this.#early.delete(conversationId);
    panel.configureVideo(this.#permissions);
    this.#refreshEmptyState();
    if (isNew) panel.focus();
  }

  addMessage(conversationId, message) {
    const panel = this.#panels.get(conversationId);
    if (panel) {
      panel.addMessage(message);
      return;
    }
    const early = this.#early.get(conversationId) ?? [];
    if (!this.#early.has(conversationId)) {
      if (this.#early.size >= EARLY_CHATS) this.#early.delete(this.#early.keys().next().value);
      this.#early.set(conversationId, early);
    }
    if (early.length < EARLY_LINES) early.push(message);
  }

  /** `customerPresence`: online, away or left. */
  customerPresence(conversationId, status) {
    this.#panels.get(conversationId)?.setCustomer(status);
  }

  markEnded(conversationId, by) {
    if (by === 'transfer') { // passed on: nothing left to do here (no wrap-up: the chat goes on elsewhere)
      this.#remove(conversationId);
      return;
    }
    this.#panels.get(conversationId)?.end(null, ENDED_STATE[by] ?? ENDED_STATE.system);
    this.#refreshEmptyState();
  }

  /** `ready` after a (re)connect: the server's list is the truth for which chats are still ours. */
  reconcile(interactions = []) {
    const current = new Set(interactions.map((interaction) => interaction.conversationId));
    for (const [id, panel] of this.#panels) {
      if (!current.has(id) && panel.active) {
        panel.end('This chat went back to the queue while you were disconnected.', 'Returned to queue');
      }
    }
    for (const interaction of interactions) this.upsert(interaction);
  }

  /** Signing out: nothing of the previous session stays on screen. */
  clear() {
    this.#early.clear();
    for (const id of [...this.#panels.keys()]) this.#remove(id);
  }

  /** The server refused an `end` (its error does not say which chat): let the agent try again. */
  enableEndButtons() {
    for (const panel of this.#panels.values()) {
      panel.endButton.disabled = false;
      panel.endButton.textContent = 'End chat';
    }
  }

  #remove(conversationId) {
    this.#panels.get(conversationId)?.video.chatEnded();
    this.#panels.get(conversationId)?.element.remove();
    this.#panels.delete(conversationId);
    this.#refreshEmptyState();
    this.#onUnreadChange(this.unreadCount());
  }

  #refreshEmptyState() {
    this.#emptyState.hidden = this.#panels.size > 0;
    this.#container.dataset.count = String(this.#panels.size);
  }
}

class Panel {
  active = true;
  #onClose;
  #endedHere = false;

  #videoSettings = null;

  unread = 0;
  #onUnread;
  #latestCustomer = 0; // the seq of the customer's latest message
  #seen;

  constructor(template, conversationId, {
    onSend, onEnd, onClose, onTyping, onSeen, onUnread, sendFrame, photos, canned, work, onTransfer, customer,
  }) {
    this.#onUnread = onUnread ?? (() => {});
    this.#seen = new SeenSender((upTo) => (this.active ? onSeen?.(conversationId, upTo) ?? false : false));
    this.conversationId = conversationId;
    this.element = template.content.firstElementChild.cloneNode(true);
    this.element.dataset.conversationId = conversationId;
    const $ = (selector) => this.element.querySelector(selector);
    this.customer = $('.interaction__customer');
    this.avatar = $('.interaction__avatar');
    this.queue = $('.interaction__queue');
    this.state = $('[data-testid="interaction-state"]');
    this.presence = $('[data-testid="customer-presence"]');
    this.customerPanel = new CustomerPanel($('[data-testid="customer-panel"]'),
      customer ? () => customer(conversationId) : null);
    this.customerPanel.refresh();
    this.log = new ChatLog($('[data-testid="chat-log"]'), {
      self: 'agent',
      photos: {
        load: (photo) => photos.load(photo),
        actions: [{
          label: 'Mark up', testId: 'annotate-photo',
          run: (photo, _message, img) => photos.annotate(conversationId, photo, img.currentSrc || img.src),
        }],
      },
    });
    this.form = $('.composer');
    this.input = $('[data-testid="chat-input"]');
    this.canned = new CannedPicker(this.form, this.input, conversationId, canned);
    this.typingLine = $('[data-testid="typing-indicator"]');
    this.typingSender = new TypingSender((active) => {
      if (this.active) onTyping?.(conversationId, active);
    });
    this.typingWatch = new TypingWatch(({ active }) => {
      this.typingLine.hidden = !active;
      this.typingLine.textContent = active ? `${this.customer.textContent || 'The customer'} is typing…` : '';
    });
    this.send = $('[data-testid="chat-send"]');
    this.endButton = $('[data-testid="end-interaction"]');
    this.closeButton = $('[data-testid="close-interaction"]');
    this.transferButton = $('[data-testid="transfer"]');
    this.transferLine = $('[data-testid="transfer-note"]');
    this.transferButton.addEventListener('click', () => onTransfer?.(conversationId, { hasVideo: this.#videoOn() }));
    this.#onClose = onClose;
    this.wrapup = new WrapupForm(this.element, this.form, conversationId, work?.());
    this.video = new VideoPane(this.element, conversationId, {
      send: sendFrame,
      saveFrame: (blob, clientId) => photos.saveFrame(conversationId, blob, clientId),
      loadStill: (photo) => photos.loadStill(photo),
    });

    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim() || !this.active) return;
      this.input.value = '';
      this.typingSender.reset(); // the message itself tells the customer the typing is over
      const pending = this.log.addPending(text);
      onSend(conversationId, text).then(pending.confirm, (error) => pending.fail(describeError(error).title));
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.input.addEventListener('input', () => this.typingSender.typing(this.input.value.trim() !== ''));
    this.input.addEventListener('blur', () => this.typingSender.typing(false));
    this.endButton.addEventListener('click', () => {
      this.#endedHere = true; // focus goes on to Close once the chat has ended
      this.endButton.disabled = true;
      this.endButton.textContent = 'Ending…';
      onEnd(conversationId);
    });
    this.closeButton.addEventListener('click', onClose);
    this.element.addEventListener('focusin', () => {
      this.element.classList.remove('interaction--unread');
      this.#setUnread(0);
      this.markSeen();
    });
  }

  configureVideo(permissions) {
    this.video.configure({ permissions, video: this.#videoSettings });
  }

  update({ customerName, queue, state, messages, video, customer, wrapupRequired, transfers }) {
    if (video !== undefined) this.#videoSettings = video;
    if (wrapupRequired !== undefined) this.wrapup.required = Boolean(wrapupRequired);
    const lastTransfer = transfers?.at?.(-1);
    if (lastTransfer) {
      const note = lastTransfer.note ? `: “${lastTransfer.note}”` : '.';
      this.transferLine.textContent = `Transferred by ${lastTransfer.fromAgentName}${note}`;
      this.transferLine.hidden = false;
    }
    if (customer) this.setCustomer(customer);
    if (customerName) {
      this.customer.textContent = customerName;
      this.avatar.textContent = initials(customerName);
    } else if (!this.customer.textContent) {
      this.customer.textContent = 'Customer';
      this.avatar.textContent = 'C';
    }
    if (queue) this.queue.textContent = queue;
    if (state === 'ended') this.end(null, ENDED_STATE.system);
    else if (this.active) this.state.textContent = 'Connected';
    for (const message of messages ?? []) {
      this.log.upsert(message);
      this.#noteCustomer(message);
    }
    this.markSeen();
  }

  /** The chat is in the agent's focus, on a visible page: its customer messages so far are seen. */
  markSeen() {
    if (this.#inFocus() && this.#latestCustomer) this.#seen.seen(this.#latestCustomer);
  }

  #inFocus() {
    return this.element.contains(document.activeElement) && document.visibilityState === 'visible';
  }

  #noteCustomer(message) {
    if (message.from === 'customer' && message.seq > this.#latestCustomer) this.#latestCustomer = message.seq;
  }

  setCustomer(status) {
    showCustomerPresence(this.presence, this.active ? status : 'left');
  }

  addMessage(message) {
    this.typingWatch.onMessage(message.from);
    const fresh = !this.log.has(message.id);
    this.log.upsert(message);
    if (fresh) this.video.showLine(message);
    if (fresh && message.photo) this.video.photoArrived(message.photo);
    this.#noteCustomer(message);
    if (fresh && message.from === 'customer' && !this.#inFocus()) {
      this.element.classList.add('interaction--unread');
      this.#setUnread(this.unread + 1);
    }
    this.markSeen();
  }

  #setUnread(count) {
    if (count === this.unread) return;
    this.unread = count;
    this.#onUnread();
  }

  /** `words`: a line of this screen's own, for what the transcript cannot say (e.g. requeued). */
  end(words, stateText) {
    if (!this.active) return;
    this.active = false;
    this.typingSender.reset();
    this.typingWatch.hide();
    if (words) this.log.addNotice(words);
    this.state.textContent = stateText;
    this.presence.hidden = true;
    this.element.classList.add('interaction--ended');
    this.input.disabled = this.send.disabled = true;
    this.input.placeholder = 'This chat has ended.';
    this.video.chatEnded();
    this.endButton.hidden = true;
    this.transferButton.hidden = true;
    this.closeButton.hidden = false;
    if (this.#endedHere) this.closeButton.focus();
    // A required code takes the focus from Close; otherwise Close keeps it (the form is there to use or skip).
    this.wrapup.show({ onDone: this.#onClose, close: this.closeButton, focus: this.#endedHere && this.wrapup.required });
  }

  focus() {
    this.input.focus({ preventScroll: false });
  }

  #videoOn() {
    const status = this.element.querySelector('[data-testid="video-status"]')?.textContent ?? '';
    return !['', 'idle', 'ended', 'failed', 'declined'].includes(status);
  }
}

function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts.at(-1)[0] : '')).toUpperCase() || 'C';
}

// ShowDesk web-chat SDK: `createChat(config)` gives a chat bound to one web-chat deployment.
// Speaks the guest socket of protocol v1 (docs/protocol.md): start/resume, idempotent messages
// acknowledged by clientId, resume from the last seen seq after any reconnect.

import { Emitter } from './emitter.js';
import { CloseCode, ShowDeskSocket, toWebSocketUrl } from './socket.js';
import { ChatError, errorForCloseCode } from './errors.js';
import { videoRefusal } from './media-errors.js';
import { CustomerVideo, defaultConstraints } from './video.js';
import { uploadPhoto } from './photo.js';
import { uploadStill } from './stills.js';
import { createHandoff, deviceIdOf, deviceKind, redeemHandoff } from './handoff.js';
import { Conversation } from './conversation.js';
import { Outbox } from './outbox.js';
import { cleanDisplayName, customerOptions, newClientId, normalizeConfig, startPage } from './config.js';
import { SessionStore, sessionKey } from './session-store.js';
import { TypingSender, TypingWatch } from './typing.js';
import { SeenSender, latestFrom } from './seen.js';

export { ChatError } from './errors.js';

export const PROTOCOL_VERSION = 1;
export const MAX_TEXT_LENGTH = 4000;
export const GUEST_SOCKET_PATH = '/ws/v1/guest';

const DEPLOYMENT_ERRORS = new Set(['origin_not_allowed', 'deployment_not_found']);
const CLOSE_AFTER_END_MS = 1500; // lets the closing system message arrive before we hang up
const DIRECTIONS = new Set(['one-way', 'two-way']);
// A chat's final states: ended, or abandoned (its customer was away from the line for too long).
const chatIsOver = (state) => state === 'ended' || state === 'abandoned';

export function createChat(config) {
  return new WebChat(config);
}

export class WebChat extends Emitter {
  #config;
  #customer; // createChat's customer, attributes and customerSignature, sent with `start`
  #store;
  #socket = null;
  #connection = 'idle';
  #conversation;
  #token = null;
  #displayName = '';
  #outbox = new Outbox();
  #opening = null; // the startChat/resumeChat call in progress
  #handshake = null; // 'start' | 'resume' while the current connection waits for its answer
  #handshakeDone = null;
  #endWaiters = [];
  #everOpened = false;
  #connectionError = null; // the server's reason, sent just before it closes the socket
  #video;
  #videoSettings; // the Start Video block's settings: undefined until known, null when not video-capable
  #photos = new Map(); // photo id -> Promise of its object URL
  #paced = null; // the timer that sends the outbox again after the server said "too fast"
  #typing = new TypingSender((active) => this.#sendTyping(active));
  #agentTyping = new TypingWatch((event) => this.emit('typing', event));
  #seen = new SeenSender((upTo) => this.#sendSeen(upTo));
  #shown = true; // whether the page shows the chat (setShown); the document's own visibility is asked too

  constructor(config = {}) {
    super();
    this.#config = normalizeConfig(config);
    this.#customer = customerOptions(config);
    const { organizationId, deploymentId } = this.#config;
    this.#store = new SessionStore(sessionKey(organizationId, deploymentId), config.storage);
    this.#conversation = new Conversation((event, payload) => {
      if (event === 'message' || event === 'resync') {
        this.#store.update({ lastSeq: this.#conversation.transcript.lastSeq });
      }
      if (event === 'message') this.#agentTyping.onMessage(payload.from);
      if (event === 'message' || event === 'resync') this.#markSeen();
      this.emit(event, payload);
    });
    this.#video = new CustomerVideo({
      send: (frame) => this.#socket?.send(frame),
      emit: (event, payload) => this.emit(event, payload),
      iceServers: this.#config.turnServers,
      iceTransportPolicy: this.#config.iceTransportPolicy,
      renewTransport: () => this.#socket?.renew('network changed'),
      settings: () => this.#videoSettings ?? null,
      uploadPhoto: (request, blob) => this.#uploadPhoto(request, blob),
      uploadStill: (blob) => this.#uploadStill(blob),
      device: deviceKind,
    });
    if (typeof window !== 'undefined') {
      // Leaving the page turns the camera off, whatever the page does next (bfcache, unload, close).
      window.addEventListener('pagehide', () => this.#video.pageHidden());
      globalThis.document?.addEventListener('visibilitychange', () => this.#markSeen());
    }
  }

  get config() { return this.#config; }
  get conversationId() { return this.#conversation.id; }
  get participantId() { return this.#conversation.participantId; }
  get messages() { return this.#conversation.transcript.list(); }
  get state() { return this.#conversation.state; }
  get lastSeq() { return this.#conversation.transcript.lastSeq; }
  get displayName() { return this.#displayName; }
  get agentName() { return this.#conversation.agentName; }
  get routing() { return this.#conversation.routing; }
  get connectionState() { return this.#connection; }
  /** idle | requested | connecting | live | held | ended | failed */
  get videoState() { return this.#video.state; }
  get video() { return this.#video.session; }
  get videoSettings() { return this.#videoSettings ?? null; }
  /** Two-way video: the agent's picture and sound. */
  get remoteVideoStream() { return this.#video.remoteStream; }
  /** What the customer is sharing (for a preview), while video is on. */
  get localVideoStream() { return this.#video.localStream; }

  hasSavedSession() { return this.#store.load() !== null; }

  /**
   * A photo of this chat (a message's `photo`) as an object URL for an `<img>` or a download link, at full
   * resolution. The photo is fetched with the chat's token once and kept while the page lives.
   */
  loadPhoto(photo) {
    if (!photo?.id) return Promise.reject(new ChatError('photo_not_found', 'There is no such photo.'));
    let loading = this.#photos.get(photo.id);
    if (!loading) {
      loading = this.#fetchPhoto(photo);
      this.#photos.set(photo.id, loading);
      loading.catch(() => this.#photos.delete(photo.id));
    }
    return loading;
  }

  async #fetchPhoto(photo) {
    if (!this.#token) throw new ChatError('chat_not_active', 'Photos can be seen while the chat is open.');
    let response;
    try {
      response = await fetch(new URL(photo.url, this.#server), {
        headers: { Authorization: `Bearer ${this.#token}` },
      });
    } catch {
      throw new ChatError('network_error', 'The photo could not be loaded.');
    }
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new ChatError(body?.code ?? 'photo_not_found', body?.message ?? 'The photo could not be loaded.');
    }
    return URL.createObjectURL(await response.blob());
  }

  /** The node the chat's socket is on (photos go where the chat is). */
  get #server() {
    const { serverUrls } = this.#config;
    return serverUrls[Math.max(0, this.#socket?.urlIndex ?? 0)] ?? serverUrls[0];
  }

  /** The agent asked for a photo: the SDK's camera still goes to the chat under the chat's own token. */
  #uploadPhoto(request, blob) {
    if (!this.#token || !this.#conversation.id) {
      return Promise.reject(new ChatError('chat_not_active', 'There is no open chat to send the photo to.'));
    }
    const url = new URL(`/api/v2/conversations/${encodeURIComponent(this.#conversation.id)}/photos`, this.#server);
    return uploadPhoto({ url: url.toString(), token: this.#token, request, blob });
  }

  /** Photo mode: the next still of the camera to the chat, under the chat's own token. */
  #uploadStill(blob) {
    if (!this.#token || !this.#conversation.id) {
      return Promise.reject(new ChatError('chat_not_active', 'There is no open chat to send the photo to.'));
    }
    const id = encodeURIComponent(this.#conversation.id);
    const url = new URL(`/api/v2/conversations/${id}/photos/stills`, this.#server);
    return uploadStill({ url: url.toString(), token: this.#token, blob });
  }

  /**
   * The customer attaches an image of their own (a File or Blob) while an agent is in the chat: sent under
   * the chat's token, retried with the same id after a lost response. The server tells its type from its
   * bytes (JPEG, PNG or WebP by default). Resolves to `{ photo, messageId }`; the message itself arrives as
   * a `message` event. Rejects with a ChatError (`attachment_type`, `photo_too_large`, `chat_not_connected`,
   * `attachment_rate_limited`, ...); the chat goes on.
   */
  async sendFile(file) {
    if (!(file instanceof Blob) || !file.size) throw new ChatError('invalid_image', 'Choose an image to send.');
    if (!this.#token || !this.#conversation.isActive) {
      throw new ChatError('chat_not_active', 'There is no open chat to send the image to.');
    }
    const id = encodeURIComponent(this.#conversation.id);
    const url = new URL(`/api/v2/conversations/${id}/photos/attachments`, this.#server);
    url.searchParams.set('clientId', newClientId());
    try {
      const sent = { url: url.toString(), token: this.#token, request: null, blob: file };
      const { photo, message } = await uploadPhoto(sent);
      return { photo, messageId: message.id };
    } catch (error) {
      const code = error.code === 'rate_limited' ? 'attachment_rate_limited' : (error.code ?? 'upload_failed');
      throw new ChatError(code, error.message);
    }
  }

  /** Resume the saved chat of this tab if there is one, otherwise start a new chat. */
  startChat({ displayName } = {}) {
    if (this.#opening) return this.#opening.promise;
    if (this.#conversation.isActive) return Promise.resolve(this.#summary(false));
    const saved = this.#store.load();
    const name = cleanDisplayName(displayName) || saved?.displayName || '';
    if (!saved && !name) {
      return Promise.reject(new ChatError('display_name_required', 'Please enter your name.'));
    }
    this.#displayName = name;
    return this.#open(saved, { fallbackToStart: true });
  }

  /**
   * A one-time link that opens this chat on another device (a phone): `{ url, expiresAt, qrSvg }`. The link
   * works once, for a few minutes; both devices then stay in the chat.
   */
  createHandoff() {
    if (!this.#token || !this.#conversation.isActive) {
      return Promise.reject(new ChatError('chat_not_active', 'Start the chat first, then move it to your phone.'));
    }
    return createHandoff({ server: this.#server, token: this.#token });
  }

  /** The hand-off link only (for a site that sends it by SMS or e-mail itself). */
  async createHandoffLink() {
    return (await this.createHandoff()).url;
  }

  /**
   * Instead of startChat: redeem a hand-off code made on the customer's other device and join that chat
   * here (its transcript arrives as `message` events). Rejects with `handoff_used`, `handoff_expired` or
   * `handoff_not_found`, each with a sentence to show.
   */
  continueHandoff(code) {
    if (this.#opening) return this.#opening.promise;
    if (this.#conversation.isActive) {
      return Promise.reject(new ChatError('chat_active', 'This page already holds a chat.'));
    }
    const opening = redeemHandoff({ server: this.#server, code }).then((redeemed) => {
      this.#displayName = redeemed.displayName ?? '';
      return this.#open({ token: redeemed.token, conversationId: redeemed.conversationId },
        { fallbackToStart: false });
    });
    const pending = { promise: opening, resolve: () => {}, reject: () => {}, fallbackToStart: false };
    this.#opening = pending;
    opening.catch(() => { if (this.#opening === pending) this.#opening = null; });
    return opening;
  }

  /** Resume the saved chat only; rejects with `no_saved_session` or `chat_ended`. */
  resumeChat() {
    if (this.#opening) return this.#opening.promise;
    if (this.#conversation.isActive) return Promise.resolve(this.#summary(true));
    const saved = this.#store.load();
    if (!saved) return Promise.reject(new ChatError('no_saved_session', 'There is no chat to resume.'));
    this.#displayName = saved.displayName;
    return this.#open(saved, { fallbackToStart: false });
  }

  sendText(text) {
    const value = typeof text === 'string' ? text : String(text ?? '');
    if (!value.trim()) return Promise.reject(new ChatError('empty_message', 'Type a message first.'));
    if ([...value].length > MAX_TEXT_LENGTH) {
      return Promise.reject(new ChatError('message_too_long',
        `A message can have at most ${MAX_TEXT_LENGTH} characters.`));
    }
    if (!this.#conversation.isActive) {
      return Promise.reject(new ChatError('chat_not_active', 'There is no open chat to send to.'));
    }
    this.#typing.reset(); // the message itself tells the agent the typing is over
    const clientId = newClientId();
    const frame = { type: 'message', clientId, text: value };
    const acked = this.#outbox.add(frame);
    if (this.#token && this.#handshake === null && !this.#paced) this.#socket?.send(frame, { queue: false });
    return acked;
  }

  /**
   * The customer is typing (call it on every input event; `false` when the field is left): the agent
   * sees "typing". Paced here, nothing is stored, and nothing is sent before an agent is in the chat.
   */
  sendTyping(active = true) {
    this.#typing.typing(active);
  }

  #sendTyping(active) {
    if (this.#conversation.state !== 'connected' || !this.#token || this.#handshake !== null) return;
    this.#socket?.send({ type: 'typing', active }, { queue: false });
  }

  /**
   * Whether the page shows the chat just now (true until told otherwise). While it does and the document is
   * visible, the agent's messages are marked seen as they arrive (the agent's desktop shows "Seen");
   * showing it again marks those that came meanwhile.
   */
  setShown(shown = true) {
    this.#shown = shown !== false;
    this.#markSeen();
  }

  #markSeen() {
    if (!this.#shown || globalThis.document?.visibilityState === 'hidden') return;
    const upTo = latestFrom(this.messages, 'agent');
    if (upTo) this.#seen.seen(upTo);
  }

  #sendSeen(upTo) {
    if (this.#conversation.state !== 'connected' || !this.#token || this.#handshake !== null) return false;
    return this.#socket?.send({ type: 'seen', upTo }, { queue: false }) ?? false;
  }

  endChat() {
    if (!this.#conversation.isActive) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#endWaiters.push({ resolve, reject });
      this.#socket?.send({ type: 'end' }); // queued until the handshake is answered
    });
  }

  /**
   * Share the camera with the agent. Call it inside the click (or tap) handler: the camera is asked
   * for before anything is awaited, which iOS Safari requires. Either hand it the page's `stream` or
   * let it take the camera with `constraints` (default: the rear camera, the microphone as the flow says).
   * `direction` ('one-way' | 'two-way') is checked; the chat's Start Video block decides the mode.
   */
  startVideo({ stream = null, constraints = null, direction = undefined } = {}) {
    // Checks that need no waiting come first, so a refused video never shows a camera prompt.
    const refusal = this.#videoRefusal(direction);
    if (refusal) {
      if (stream) stopTracks(stream);
      return Promise.reject(refusal);
    }
    let media;
    if (stream) {
      media = Promise.resolve(stream);
    } else if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
      const missing = new Error('This browser cannot share a camera here (it needs HTTPS and camera support).');
      missing.name = 'NotFoundError';
      media = Promise.reject(missing);
    } else {
      // No await before this line: the user's gesture still counts.
      media = navigator.mediaDevices.getUserMedia(constraints ?? defaultConstraints(this.#videoSettings));
    }
    return this.#video.start(media);
  }

  /** Stop sharing: every track the SDK was given or took is stopped (the camera light goes off). */
  stopVideo() {
    this.#video.stop();
  }

  /** Sharp stills every few seconds instead of live video (true), or back to live video (false). */
  usePhotos(on = true) {
    this.#video.usePhotos(on);
  }

  /** Take the agent's marks off the live picture, on both sides. */
  clearMarks() {
    if (this.#video.isOpen) this.#socket?.send({ type: 'videoMarksClear' });
  }

  /** Say no to the agent's request; the chat goes on. */
  declineVideo() {
    if (this.#video.state === 'requested') this.#video.stop();
  }

  #videoRefusal(direction) {
    if (direction !== undefined && !DIRECTIONS.has(direction)) {
      return new ChatError('invalid_direction', "direction must be 'one-way' or 'two-way'.");
    }
    if (this.#conversation.state !== 'connected' || !this.#token) {
      return videoRefusal('no_agent_video', 'Video can start once an agent has joined the chat.');
    }
    if (this.#videoSettings === null) {
      return videoRefusal('video_not_allowed', 'Video is not offered in this chat.');
    }
    if (this.#video.isOpen) {
      return videoRefusal('video_already_open', 'Video is already on.');
    }
    return null;
  }

  /** Try to reconnect at once instead of waiting for the next backoff step. */
  reconnect() {
    if (this.#socket) this.#socket.reconnectNow();
    else if (this.#token && this.#conversation.isActive) this.#connect();
  }

  /** Close the connection without ending the chat (the saved session stays for resumeChat). */
  disconnect() {
    this.#failOpening(new ChatError('cancelled', 'The chat was disconnected.'));
    this.#rejectPending(new ChatError('disconnected', 'The chat was disconnected.'));
    this.#closeSocket();
    this.#video.close('disconnected', 'The chat was disconnected.');
    this.#conversation.setState('idle');
  }

  #open(saved, { fallbackToStart }) {
    this.#conversation.reset();
    this.#seen.reset();
    this.#handshake = null;
    this.#token = saved?.token ?? null;
    this.#conversation.id = saved?.conversationId ?? null;
    let settle;
    const promise = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    this.#opening = { promise, ...settle, fallbackToStart };
    this.#conversation.setState('starting');
    this.#connect();
    return promise;
  }

  #connect() {
    this.#closeSocket({ silent: true });
    this.#everOpened = false;
    this.#handshake = null;
    const { serverUrls, organizationId, deploymentId } = this.#config;
    const socket = new ShowDeskSocket({
      url: serverUrls.map((server) => toWebSocketUrl(server, GUEST_SOCKET_PATH, { organizationId, deploymentId })),
      onOpen: ({ send }) => this.#onOpen(send),
      // 4409: another tab took this chat over; reconnecting would only take it back, forever.
      fatalCloseCodes: [CloseCode.NOT_AUTHENTICATED, CloseCode.FORBIDDEN, CloseCode.REPLACED],
    });
    socket.on('frame', (frame) => { if (socket === this.#socket) this.#onFrame(frame); });
    socket.on('state', (event) => { if (socket === this.#socket) this.#onSocketState(event); });
    this.#socket = socket;
    socket.connect();
  }

  #onOpen(send) {
    this.#everOpened = true;
    this.#connectionError = null;
    if (this.#token) {
      // A page that holds no messages yet (fresh load) asks for the whole history.
      const { transcript } = this.#conversation;
      const lastSeq = transcript.size ? transcript.lastSeq : 0;
      send({ type: 'resume', token: this.#token, lastSeq });
      this.#handshake = 'resume';
    } else if (this.#conversation.state === 'starting') {
      send({ type: 'start', displayName: this.#displayName, ...this.#startDetails() });
      this.#handshake = 'start';
    } else {
      return undefined;
    }
    return new Promise((resolve) => { this.#handshakeDone = resolve; });
  }

  /** What the start frame tells of the customer: only what the site gave, and the page it starts on. */
  #startDetails() {
    const { customer, attributes, customerSignature } = this.#customer;
    const details = {};
    const page = startPage();
    if (page) details.page = page;
    if (customer) details.customer = customer;
    if (attributes) details.attributes = attributes;
    if (customerSignature) details.customerSignature = customerSignature;
    return details;
  }

  #onFrame(frame) {
    if (frame.type.startsWith('video')) return this.#video.onFrame(frame);
    switch (frame.type) {
      case 'started': return this.#onStarted(frame);
      case 'resumed': return this.#onResumed(frame);
      case 'message': return this.#conversation.addMessage(frame);
      case 'ack':
        // The ack carries the stored message: this socket gets no separate echo of its own lines.
        this.#outbox.ack(frame);
        return frame.message ? this.#conversation.addMessage(frame.message) : undefined;
      case 'routing':
        this.#conversation.onRouting(frame);
        return chatIsOver(frame.state) ? this.#finish('system') : undefined;
      case 'agentJoined':
        if (frame.video !== undefined) this.#videoSettings = frame.video;
        return this.#conversation.onAgentJoined(frame);
      case 'agentLeft':
        this.#agentTyping.hide();
        return this.#conversation.onAgentLeft(frame);
      case 'chatEnded': return this.#finish(frame.by ?? 'system');
      case 'handoff':
        // The device that joined is told too: only the customer's other device says "Continue on your phone".
        if (frame.deviceId && frame.deviceId === deviceIdOf(this.#token)) return undefined;
        return this.emit('handoff', { state: frame.state, device: frame.device });
      case 'phoneSuggested': return this.emit('phoneSuggested', { text: frame.text });
      case 'typing': return frame.from === 'agent' ? this.#agentTyping.onFrame(frame) : undefined;
      case 'seen':
        return frame.by === 'agent' && Number.isInteger(frame.upTo)
          ? this.emit('seen', { by: 'agent', upTo: frame.upTo }) : undefined;
      case 'error': return this.#onServerError(frame);
      default: return undefined; // newer servers may send more; ignoring keeps old pages working
    }
  }

  #onStarted(frame) {
    this.#token = frame.token;
    this.#conversation.onStarted(frame);
    this.#saveSession();
    this.#afterHandshake(false);
  }

  #onResumed(frame) {
    if (chatIsOver(frame.state) && this.#opening) {
      this.#forgetSession();
      if (this.#opening.fallbackToStart) return this.#restartAsNewChat();
      return this.#failOpening(new ChatError('chat_ended', 'Your previous chat has ended.'));
    }
    if (frame.displayName) this.#displayName = frame.displayName;
    if (frame.video !== undefined) this.#videoSettings = frame.video;
    this.#conversation.onResumed(frame);
    this.#video.restoreRequest(frame.videoRequest);
    this.#saveSession();
    this.#afterHandshake(true);
    if (chatIsOver(frame.state)) this.#finish(frame.by ?? 'system');
  }

  #afterHandshake(resumed) {
    this.#handshake = null;
    this.#handshakeDone?.();
    this.#handshakeDone = null;
    for (const frame of this.#outbox.frames()) this.#socket?.send(frame, { queue: false });
    this.#seen.flush(); // a receipt the lost connection could not carry
    const opening = this.#opening;
    this.#opening = null;
    opening?.resolve(this.#summary(resumed));
  }

  #onServerError(frame) {
    const error = ChatError.fromFrame(frame);
    if (frame.code === 'rate_limited' && this.#outbox.has(frame.ref)) {
      // Typed faster than the chat takes: the messages wait their turn, in order, rather than being lost.
      this.#resendLater(Number(frame.retryAfterMs) || 500);
      return;
    }
    if (this.#video.onError(error)) {
      // a refused video frame: startVideo() rejects, or the video ends; the chat is untouched
    } else if (frame.ref != null && this.#outbox.reject(frame.ref, error)) {
      // a refused message: its sendText() rejects
    } else if (frame.ref === 'end') {
      for (const waiter of this.#endWaiters.splice(0)) waiter.reject(error);
    } else {
      this.#connectionError = error;
      if (this.#handshake && (frame.ref == null || frame.ref === this.#handshake
                              || DEPLOYMENT_ERRORS.has(frame.code))) {
        return this.#onHandshakeRefused(error);
      }
    }
    this.emit('error', error);
  }

  /** Every message not yet acknowledged goes again, oldest first, once the limit allows; new ones wait. */
  #resendLater(delayMs) {
    if (this.#paced) return;
    this.#paced = setTimeout(() => {
      this.#paced = null;
      if (!this.#token || this.#handshake !== null) return; // the next handshake sends them
      for (const frame of this.#outbox.frames()) this.#socket?.send(frame, { queue: false });
    }, Math.min(Math.max(delayMs, 50), 10_000));
  }

  #onHandshakeRefused(error) {
    const resumeRefused = this.#handshake === 'resume' && !DEPLOYMENT_ERRORS.has(error.code);
    this.#handshake = null;
    if (resumeRefused) this.#forgetSession();
    if (resumeRefused && this.#opening?.fallbackToStart) return this.#restartAsNewChat();
    if (this.#opening) this.#failOpening(error);
    else if (resumeRefused) this.#finish('system');
    this.emit('error', error);
  }

  #onSocketState({ state, code, reason, fatal, attempt, delayMs, restart = false }) {
    this.#connection = state;
    this.emit('connection', { state, code, reason, attempt, delayMs, restart });
    if (state === 'reconnecting' && this.#opening && !this.#everOpened) {
      this.#failOpening(errorForCloseCode(code)); // the server cannot be reached at all
    } else if (state === 'closed' && fatal) {
      const explained = this.#connectionError; // already emitted when the error frame came
      const error = explained ?? errorForCloseCode(code, reason);
      if (this.#handshake) return this.#onHandshakeRefused(error);
      this.#rejectPending(error);
      if (code === CloseCode.NOT_AUTHENTICATED) {
        this.#forgetSession();
        this.#finish('system');
      }
      if (!explained) this.emit('error', error);
    }
  }

  #finish(by) {
    if (this.#conversation.state === 'ended') return;
    this.#typing.reset();
    this.#agentTyping.hide();
    this.#conversation.agentName = null;
    this.#forgetSession();
    this.#conversation.setState('ended');
    this.#video.close();
    for (const waiter of this.#endWaiters.splice(0)) waiter.resolve();
    this.#rejectPending(new ChatError('chat_ended', 'The chat has ended.'));
    this.emit('chatEnded', { by });
    const socket = this.#socket;
    setTimeout(() => { if (socket === this.#socket) this.#closeSocket(); }, CLOSE_AFTER_END_MS);
  }

  #failOpening(error) {
    const opening = this.#opening;
    if (!opening) return;
    this.#opening = null;
    this.#handshake = null;
    this.#closeSocket();
    this.#rejectPending(error);
    this.#conversation.setState('idle');
    opening.reject(error);
  }

  /** The saved chat cannot be resumed: start a new one on a fresh connection, same name. */
  #restartAsNewChat() {
    this.#conversation.reset();
    this.#seen.reset();
    this.#connect();
  }

  #rejectPending(error) {
    this.#outbox.rejectAll(error);
    for (const waiter of this.#endWaiters.splice(0)) waiter.reject(error);
  }

  #closeSocket({ silent = false } = {}) {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = null;
    socket.close();
    if (!silent) {
      this.#connection = 'closed';
      this.emit('connection', { state: 'closed' });
    }
  }

  #saveSession() {
    this.#store.save({ token: this.#token, conversationId: this.#conversation.id,
                       lastSeq: this.#conversation.transcript.lastSeq, displayName: this.#displayName });
  }

  #forgetSession() {
    this.#store.clear();
    this.#token = null;
  }

  #summary(resumed) {
    return { conversationId: this.#conversation.id, state: this.#conversation.state, resumed };
  }
}

function stopTracks(stream) {
  for (const track of stream.getTracks?.() ?? []) track.stop();
}

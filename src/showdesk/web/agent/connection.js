// The agent socket of protocol v1: authenticate first, then presence, offers and interactions.
// Messages keep their clientId until acknowledged and are resent after every reconnect.

import { Emitter } from '/sdk/emitter.js';
import { CloseCode, ShowDeskSocket, toWebSocketUrl } from '/sdk/socket.js';
import { Outbox } from '/sdk/outbox.js';
import { ChatError, errorForCloseCode } from '/sdk/errors.js';
import { newClientId } from '/sdk/config.js';

export const AGENT_SOCKET_PATH = '/ws/v1/agent';

/**
 * Events: `ready`, `presence`, `offer`, `offerRevoked`, `interaction`, `message`,
 * `interactionEnded`, `error` (a ChatError), `connection` ({state, attempt, delayMs, code}),
 * `signedOut` (the token or the account was refused: sign in again).
 */
export class AgentConnection extends Emitter {
  #socket;
  #token;
  #outbox = new Outbox();
  #onReady = null;
  #closeReason = null;

  constructor({ token, serverUrl = location.origin }) {
    super();
    this.#token = token;
    this.#socket = new ShowDeskSocket({
      url: toWebSocketUrl(serverUrl, AGENT_SOCKET_PATH),
      onOpen: ({ send }) => this.#authenticate(send),
      fatalCloseCodes: [CloseCode.NOT_AUTHENTICATED, CloseCode.FORBIDDEN],
    });
    this.#socket.on('frame', (frame) => this.#onFrame(frame));
    this.#socket.on('state', (event) => this.#onSocketState(event));
  }

  connect() { this.#socket.connect(); }
  reconnectNow() { this.#socket.reconnectNow(); }

  close() {
    this.#socket.close();
    this.#outbox.rejectAll(new ChatError('disconnected', 'Signed out.'));
  }

  setPresence(status) { this.#socket.send({ type: 'presence', status }); }
  accept(conversationId) { this.#socket.send({ type: 'accept', conversationId }); }
  decline(conversationId) { this.#socket.send({ type: 'decline', conversationId }); }
  end(conversationId) { this.#socket.send({ type: 'end', conversationId }); }
  /** Typing is news only while it is true: never queued for a later connection. */
  typing(conversationId, active) {
    if (this.#socket.isReady) this.#socket.send({ type: 'typing', conversationId, active });
  }
  /** The customer's messages up to seq `upTo` were in front of the agent; false when it could not be said. */
  seen(conversationId, upTo) {
    return this.#socket.isReady && this.#socket.send({ type: 'seen', conversationId, upTo }) !== false;
  }
  /** A video frame (request, signaling, status, hold, resume, end); see docs/protocol.md. */
  sendVideo(frame) { this.#socket.send(frame); }

  /** Resolves with {id, seq, clientId} once the message is stored. */
  sendText(conversationId, text) {
    const frame = { type: 'message', conversationId, clientId: newClientId(), text };
    const acked = this.#outbox.add(frame);
    if (this.#socket.isReady) this.#socket.send(frame);
    return acked;
  }

  #authenticate(send) {
    this.#closeReason = null;
    send({ type: 'auth', token: this.#token });
    return new Promise((resolve) => { this.#onReady = resolve; });
  }

  #onFrame(frame) {
    switch (frame.type) {
      case 'ready':
        this.#onReady?.();
        this.#onReady = null;
        for (const pending of this.#outbox.frames()) this.#socket.send(pending, { queue: false });
        return this.emit('ready', frame);
      case 'ack':
        // The ack carries the stored message: this desktop gets no separate echo of its own lines.
        this.#outbox.ack(frame);
        if (frame.message) this.emit('message', { type: 'message', conversationId: frame.conversationId, ...frame.message });
        return undefined;
      case 'interactionEnded':
        this.#outbox.rejectWhere((pending) => pending.conversationId === frame.conversationId,
          new ChatError('chat_ended', 'This chat has ended.'));
        return this.emit('interactionEnded', frame);
      case 'error': {
        const error = ChatError.fromFrame(frame);
        if (frame.ref == null || !this.#outbox.reject(frame.ref, error)) this.#closeReason = error;
        return this.emit('error', error);
      }
      default:
        return this.emit(frame.type, frame);
    }
  }

  #onSocketState(event) {
    this.emit('connection', event);
    if (event.state !== 'closed' || !event.fatal) return;
    const error = this.#closeReason ?? errorForCloseCode(event.code, event.reason);
    this.#outbox.rejectAll(error);
    // A refused token, or an account that may not answer chats: sign in again (maybe as someone else).
    if (event.code === CloseCode.NOT_AUTHENTICATED || event.code === CloseCode.FORBIDDEN) {
      this.emit('signedOut', error);
    }
    else if (!this.#closeReason) this.emit('error', error);
  }
}

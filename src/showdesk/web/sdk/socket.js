// The one WebSocket client used by the SDK, the chat widget and the agent desktop.
// JSON frames, a heartbeat, reconnect with exponential backoff and jitter, a send queue while
// disconnected, and an `onOpen` handshake (auth or resume) that runs before the queue is flushed.

import { Emitter } from './emitter.js';

export const SocketState = Object.freeze({
  IDLE: 'idle',
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
});

/** Close codes of protocol v1 after which reconnecting cannot help. */
export const CloseCode = Object.freeze({
  NOT_AUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  HEARTBEAT_TIMEOUT: 4408,
  REPLACED: 4409,
  SERVICE_RESTART: 1012, // the node is stopping (a restart or an upgrade): reconnect at once
});

export const DEFAULT_FATAL_CLOSE_CODES = [CloseCode.NOT_AUTHENTICATED, CloseCode.FORBIDDEN];

const MAX_QUEUED_FRAMES = 500;

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 10_000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Turn an http(s) origin or URL into the ws(s) URL of `path`. */
export function toWebSocketUrl(serverUrl, path, params = {}) {
  const url = new URL(path, serverUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

export class ShowDeskSocket extends Emitter {
  #url;
  #urls;
  #onOpen;
  #pingIntervalMs;
  #backoff;
  #fatalCodes;
  #WebSocket;
  #ws = null;
  #state = SocketState.IDLE;
  #ready = false; // handshake done: queued frames may flow
  #queue = [];
  #attempt = 0;
  #reconnectTimer = null;
  #pingTimer = null;
  #lastFrameAt = 0;
  #stopped = false;
  #onOnline = () => { if (this.#state === SocketState.RECONNECTING) this.reconnectNow(); };

  /**
   * @param {object} options
   * @param {string|string[]} options.url ws:// or wss:// URL, or several (nodes of one deployment): a
   *   reconnect after a failure tries the next one, round the list
   * @param {(ctx: {send: (frame: object) => boolean}) => (void|Promise<unknown>)} [options.onOpen]
   *   runs on every (re)connect before anything queued is sent; `ctx.send` goes straight out.
   *   When it returns a promise, queued frames wait until it resolves (e.g. on `ready`).
   * @param {number} [options.pingIntervalMs=15000]
   * @param {{baseMs?: number, maxMs?: number}} [options.backoff]
   * @param {number[]} [options.fatalCloseCodes=[4401, 4403]] close codes that stop reconnecting
   */
  constructor({ url, onOpen, pingIntervalMs = 15_000, backoff = {}, fatalCloseCodes,
                WebSocketImpl = globalThis.WebSocket } = {}) {
    super();
    const urls = (Array.isArray(url) ? url : [url]).filter(Boolean);
    if (!urls.length) throw new TypeError('url is required');
    this.#urls = urls;
    this.#url = urls[0];
    this.#onOpen = onOpen;
    this.#pingIntervalMs = pingIntervalMs;
    this.#backoff = { baseMs: 500, maxMs: 10_000, ...backoff };
    this.#fatalCodes = new Set(fatalCloseCodes ?? DEFAULT_FATAL_CLOSE_CODES);
    this.#WebSocket = WebSocketImpl;
  }

  get state() { return this.#state; }
  get url() { return this.#url; }
  /** Which of the URLs the socket is on (or trying). */
  get urlIndex() { return this.#urls.indexOf(this.#url); }
  get isOpen() { return this.#ws?.readyState === 1; }
  get isReady() { return this.isOpen && this.#ready; }
  get queuedFrames() { return this.#queue.length; }

  connect() {
    if (this.#ws || this.#reconnectTimer) return this;
    this.#stopped = false;
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#open(SocketState.CONNECTING);
    return this;
  }

  /**
   * Send a frame. Sent at once when the handshake is done; otherwise queued until it is, unless
   * `queue` is false: then it is sent if the socket is open at all (handshake replies) or dropped.
   * Returns true when the frame went out now.
   */
  send(frame, { queue = true } = {}) {
    if (this.isReady || (!queue && this.isOpen)) return this.#write(frame);
    if (queue && !this.#stopped) {
      if (this.#queue.length >= MAX_QUEUED_FRAMES) this.#queue.shift();
      this.#queue.push(frame);
    }
    return false;
  }

  /** Skip the backoff wait and try again now (e.g. a "Retry" button). */
  reconnectNow() {
    if (this.#stopped) { this.connect(); return; }
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    if (!this.#ws) this.#open(SocketState.RECONNECTING);
  }

  /**
   * Replace the connection now, keeping the queue: after a network change the old one may be
   * half-open (its address gone), and frames written into it would be lost without a word.
   */
  renew(reason = 'network changed') {
    if (this.#stopped || (!this.#ws && this.#reconnectTimer)) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const ws = this.#detach();
    try { ws?.close(4000, reason); } catch { /* already closing */ }
    this.#open(SocketState.RECONNECTING);
  }

  /** Close for good: no reconnect; queued frames are dropped. */
  close(code = 1000, reason = 'client closed') {
    this.#stopped = true;
    this.#queue = [];
    this.#clearTimers();
    globalThis.removeEventListener?.('online', this.#onOnline);
    const ws = this.#detach();
    try { ws?.close(code, reason); } catch { /* already closing */ }
    this.#setState(SocketState.CLOSED, { code, reason, fatal: false, byClient: true });
  }

  #open(state) {
    this.#setState(state, { attempt: this.#attempt });
    let ws;
    try {
      ws = new this.#WebSocket(this.#url);
    } catch (err) {
      this.emit('transportError', err);
      this.#scheduleReconnect({ code: 1006, reason: String(err?.message ?? err) });
      return;
    }
    this.#ws = ws;
    this.#ready = false;
    ws.onopen = () => this.#handleOpen(ws);
    ws.onmessage = (event) => this.#handleMessage(ws, event);
    ws.onerror = (event) => { if (ws === this.#ws) this.emit('transportError', event); };
    ws.onclose = (event) => {
      if (ws !== this.#ws) return;
      this.#detach();
      this.#handleClose({ code: event.code, reason: event.reason, wasOpen: event.wasOpen });
    };
  }

  async #handleOpen(ws) {
    this.#lastFrameAt = Date.now();
    this.#startHeartbeat();
    this.#setState(SocketState.OPEN, { attempt: this.#attempt });
    try {
      await this.#onOpen?.({ send: (frame) => ws === this.#ws && this.#write(frame) });
    } catch (err) {
      this.emit('transportError', err);
      return;
    }
    if (ws !== this.#ws || ws.readyState !== 1) return;
    this.#ready = true;
    this.#attempt = 0; // only a completed handshake counts as a healthy connection
    const queued = this.#queue;
    this.#queue = [];
    for (const frame of queued) this.#write(frame);
    this.emit('ready');
  }

  #handleMessage(ws, event) {
    if (ws !== this.#ws) return;
    this.#lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      this.emit('transportError', new Error('received a frame that is not JSON'));
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'ping') { this.#write({ type: 'pong' }); return; }
    if (frame.type === 'pong') return;
    this.emit('frame', frame);
  }

  #handleClose({ code, reason }) {
    this.#clearTimers();
    const fatal = this.#fatalCodes.has(code);
    if (this.#stopped || fatal) {
      this.#stopped = true;
      this.#queue = [];
      globalThis.removeEventListener?.('online', this.#onOnline);
      this.#setState(SocketState.CLOSED, { code, reason, fatal });
      return;
    }
    this.#scheduleReconnect({ code, reason });
  }

  #scheduleReconnect({ code, reason }) {
    // A node that stops says so (1012): no fault of this connection's, so the next URL is tried at once
    // (only from a healthy connection: a server that keeps saying it is restarting gets the usual backoff).
    const restart = code === CloseCode.SERVICE_RESTART && this.#attempt === 0;
    const delayMs = restart ? 0 : backoffDelay(this.#attempt, this.#backoff);
    this.#attempt += 1;
    // Another node may still be up: the next attempt goes to the next URL of the list.
    this.#url = this.#urls[(this.#urls.indexOf(this.#url) + 1) % this.#urls.length];
    this.#setState(SocketState.RECONNECTING, { code, reason, attempt: this.#attempt, delayMs, restart });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (!this.#stopped) this.#open(SocketState.RECONNECTING);
    }, delayMs);
  }

  #startHeartbeat() {
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => {
      // A half-open connection (sleeping laptop, lost Wi-Fi) never fires `close`: give up on it
      // when nothing, not even a pong, arrived for three ping intervals.
      if (Date.now() - this.#lastFrameAt > this.#pingIntervalMs * 3) {
        const ws = this.#detach();
        try { ws?.close(4000, 'heartbeat lost'); } catch { /* ignore */ }
        this.#handleClose({ code: CloseCode.HEARTBEAT_TIMEOUT, reason: 'no answer to ping' });
        return;
      }
      this.#write({ type: 'ping' });
    }, this.#pingIntervalMs);
  }

  #write(frame) {
    if (this.#ws?.readyState !== 1) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  #detach() {
    const ws = this.#ws;
    this.#ws = null;
    this.#ready = false;
    clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    if (ws) ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    return ws;
  }

  #clearTimers() {
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    this.#reconnectTimer = null;
    this.#pingTimer = null;
  }

  #setState(state, detail = {}) {
    this.#state = state;
    this.emit('state', { state, ...detail });
  }
}

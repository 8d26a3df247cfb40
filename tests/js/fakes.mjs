// Stand-ins for what a browser gives the SDK: a WebSocket the test drives, a peer connection whose states
// the test sets, media tracks that remember being stopped, and window's `online` event.

const SDK = new URL('../../src/showdesk/web/sdk/', import.meta.url);

/** The SDK's module `name` (e.g. 'socket.js'), imported from the source tree. */
export function sdk(name) {
  return import(new URL(name, SDK).href);
}

/** Lets pending promise callbacks run (and what they start, a few levels deep). */
export async function settle() {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

// window: the SDK listens for `online` (network changes) on globalThis.
const windowEvents = new EventTarget();
globalThis.addEventListener ??= windowEvents.addEventListener.bind(windowEvents);
globalThis.removeEventListener ??= windowEvents.removeEventListener.bind(windowEvents);
globalThis.dispatchEvent ??= windowEvents.dispatchEvent.bind(windowEvents);

export function networkChanged() {
  globalThis.dispatchEvent(new Event('online'));
}

export class FakeWebSocket {
  static made = [];
  readyState = 0;
  sent = [];
  closedWith = null;

  constructor(url) {
    this.url = url;
    FakeWebSocket.made.push(this);
  }

  static reset() { FakeWebSocket.made = []; }
  static get last() { return FakeWebSocket.made.at(-1); }

  /** The server accepts the connection. */
  open() {
    this.readyState = 1;
    this.onopen?.();
  }

  /** A frame from the server. */
  receive(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The connection goes away with `code`, as the browser reports it. */
  drop(code, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasOpen: true });
  }

  send(data) { this.sent.push(JSON.parse(data)); }
  close(code, reason) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** Frames of `type` sent so far. */
  frames(type) { return this.sent.filter((frame) => frame.type === type); }
}

export class FakeTrack {
  readyState = 'live';
  stopped = false;
  contentHint = '';
  constructor(kind) { this.kind = kind; }
  stop() {
    this.stopped = true;
    this.readyState = 'ended';
  }
}

export class FakeMediaStream {
  #tracks;
  constructor(tracks = []) { this.#tracks = [...tracks]; }
  getTracks() { return [...this.#tracks]; }
  getVideoTracks() { return this.#tracks.filter((t) => t.kind === 'video'); }
  getAudioTracks() { return this.#tracks.filter((t) => t.kind === 'audio'); }
  addTrack(track) { this.#tracks.push(track); }
}

/** A camera's stream: one video track (and a microphone's, when asked). */
export function camera({ audio = false } = {}) {
  return new FakeMediaStream([new FakeTrack('video'), ...(audio ? [new FakeTrack('audio')] : [])]);
}

class FakeSender {
  constructor(track) {
    this.track = track;
    this.params = { encodings: [{}] };
  }
  async replaceTrack(track) { this.track = track; }
  getParameters() { return structuredClone(this.params); }
  async setParameters(params) { this.params = params; }
}

export class FakePeerConnection extends EventTarget {
  static made = [];
  iceConnectionState = 'new';
  connectionState = 'new';
  signalingState = 'stable';
  localDescription = null;
  remoteDescription = null;
  closed = false;
  offers = []; // the options of each createOffer
  candidates = [];
  senders = [];

  constructor(config) {
    super();
    this.config = config;
    FakePeerConnection.made.push(this);
  }

  static reset() { FakePeerConnection.made = []; }
  static get last() { return FakePeerConnection.made.at(-1); }

  transceivers = [];

  addTransceiver(trackOrKind, { direction }) {
    const sender = new FakeSender(typeof trackOrKind === 'string' ? null : trackOrKind);
    if (typeof trackOrKind !== 'string') this.senders.push(sender);
    const transceiver = { direction, sender };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getSenders() { return this.senders; }
  getTransceivers() { return this.transceivers; }
  async createOffer(options = {}) {
    this.offers.push(options);
    return { type: 'offer', sdp: `v=0 offer ${this.offers.length}` };
  }
  async setLocalDescription(description) {
    if (description.type === 'rollback') {
      this.signalingState = 'stable';
      return;
    }
    this.localDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(description) {
    this.remoteDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async addIceCandidate(candidate) { this.candidates.push(candidate); }
  getConfiguration() { return this.config; }
  setConfiguration(config) { this.config = config; }
  close() {
    this.closed = true;
    this.signalingState = 'closed';
  }

  /** ICE (and with it the connection) moves to `state`, as the browser would report it. */
  ice(state) {
    this.iceConnectionState = state;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
    const connection = { checking: 'connecting', connected: 'connected', completed: 'connected',
                         disconnected: 'disconnected', failed: 'failed' }[state];
    if (connection && connection !== this.connectionState) {
      this.connectionState = connection;
      this.dispatchEvent(new Event('connectionstatechange'));
    }
  }
}

globalThis.RTCPeerConnection = FakePeerConnection;
globalThis.MediaStream = FakeMediaStream;

/** A Storage in memory (the SDK keeps its chat session in sessionStorage). */
export function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

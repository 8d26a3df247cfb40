// Watches one peer connection of the customer's video and says, once per episode, when it never
// connects (ICE failed, or stayed checking too long) and when a connection it had is lost (ICE failed or
// stayed disconnected, or the device's network changed). What to do about it is the caller's choice.

export const LIMITS = Object.freeze({
  checkingMs: 5000, // direct attempt: longer in `checking` than this means the network blocks it
  relayCheckingMs: 8000, // the relay attempt allocates on the TURN server first
  offerGraceMs: 3000, // on top of the checking limit, when `checking` never even begins
  disconnectedMs: 2000, // a brief `disconnected` often heals itself
  reconnectMs: 10000, // after an ICE restart
});

export class ConnectionWatch {
  everConnected = false;
  #pc;
  #on;
  #timers = new Map();
  #unlisten = [];
  #stopped = false;
  #quiet = false; // photo mode: stills fill the uplink and ICE's checks may stall; losses wait for live video
  #missed = null; // a loss seen while quiet

  /**
   * `on.connected()` each time media can flow (again); `on.neverConnected(reason)` once, when the first
   * connection cannot be made; `on.lost(reason)` when a connection that worked goes away.
   */
  constructor(pc, { relay = false }, on) {
    this.#pc = pc;
    this.#on = on;
    const checkingMs = relay ? LIMITS.relayCheckingMs : LIMITS.checkingMs;
    this.#timer('start', checkingMs + LIMITS.offerGraceMs, () => this.#neverConnected('checking_timeout'));
    this.#listen(pc, 'iceconnectionstatechange', () => {
      const state = pc.iceConnectionState;
      if (state === 'checking' && !this.everConnected) {
        this.#timer('checking', checkingMs, () => this.#neverConnected('checking_timeout'));
      } else if (state === 'connected' || state === 'completed') {
        this.#connected();
      } else if (state === 'disconnected' && this.everConnected) {
        this.#timer('disconnected', LIMITS.disconnectedMs, () => this.#lost('disconnected'));
      }
    });
    this.#listen(pc, 'connectionstatechange', () => {
      if (pc.connectionState === 'connected') this.#connected();
      else if (pc.connectionState === 'failed') {
        if (this.everConnected) this.#lost('ice_failed');
        else this.#neverConnected('ice_failed');
      }
    });
    // A phone moving from Wi-Fi to mobile data, a laptop changing networks: the old path is gone.
    const networkChanged = () => { if (this.everConnected) this.#lost('network_change'); };
    this.#listen(globalThis, 'online', networkChanged);
    const connection = globalThis.navigator?.connection;
    if (connection?.addEventListener) this.#listen(connection, 'change', networkChanged);
  }

  /** After an ICE restart: the connection must come back within a while, else it is lost again. */
  expectReconnect() {
    this.#timer('reconnect', LIMITS.reconnectMs, () => this.#lost('restart_timeout'));
  }

  /** Quiet (photo mode): a loss is kept, not told; told once quiet ends if the connection is still not back. */
  quiet(on) {
    this.#quiet = Boolean(on);
    if (this.#quiet || !this.#missed) return;
    const missed = this.#missed;
    this.#missed = null;
    const state = this.#pc.iceConnectionState;
    if (state !== 'connected' && state !== 'completed') this.#lost(missed);
  }

  stop() {
    this.#stopped = true;
    for (const id of this.#timers.values()) clearTimeout(id);
    this.#timers.clear();
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
  }

  #connected() {
    for (const name of ['start', 'checking', 'disconnected', 'reconnect']) this.#clear(name);
    this.#missed = null;
    this.everConnected = true;
    if (!this.#stopped) this.#on.connected();
  }

  #neverConnected(reason) {
    if (this.everConnected || this.#stopped) return;
    this.stop();
    this.#on.neverConnected(reason);
  }

  #lost(reason) {
    if (this.#stopped) return;
    // One episode at a time: a restart is already under way when its timer runs.
    if (reason !== 'restart_timeout' && this.#timers.has('reconnect')) return;
    for (const name of ['disconnected', 'reconnect']) this.#clear(name);
    if (this.#quiet) {
      this.#missed = reason;
      return;
    }
    this.#on.lost(reason);
  }

  #timer(name, ms, fn) {
    this.#clear(name);
    this.#timers.set(name, setTimeout(() => { this.#timers.delete(name); fn(); }, ms));
  }

  #clear(name) {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
  }

  #listen(target, type, fn) {
    target.addEventListener(type, fn);
    this.#unlisten.push(() => target.removeEventListener(type, fn));
  }
}

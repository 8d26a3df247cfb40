// Typing indicators, both ways (docs/protocol.md, `typing`). Shared by the SDK and the agent desktop.
//
// TypingSender: what this side says. The first keystroke says "typing" at once; while the person goes on,
// it is said again every TYPING_REFRESH_MS (the server relays at most one start per 2 s); no keystroke for
// TYPING_IDLE_MS, or leaving the field, says "stopped". Sending the message only forgets the state:
// the message itself hides the indicator on the other side.
//
// TypingWatch: what the other side is doing. It emits { from, active } on changes only, and hides the
// indicator by itself after TYPING_SHOWN_MS without a new start (a lost "stopped" never leaves it on),
// and when that side's message arrives.

export const TYPING_REFRESH_MS = 3000;
export const TYPING_IDLE_MS = 5000;
export const TYPING_SHOWN_MS = 6000;

const realTimers = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (id) => clearTimeout(id),
};

export class TypingSender {
  #send;
  #timers;
  #active = false;
  #lastStart = -Infinity;
  #idle = null;

  /** `send(active)` puts one frame on the wire; `timers` is for tests. */
  constructor(send, timers = realTimers) {
    this.#send = send;
    this.#timers = timers;
  }

  get active() { return this.#active; }

  /** A keystroke (true), or the person stopped (false). */
  typing(active = true) {
    if (!active) {
      this.stop();
      return;
    }
    const now = this.#timers.now();
    if (!this.#active || now - this.#lastStart >= TYPING_REFRESH_MS) {
      this.#lastStart = now;
      this.#send(true);
    }
    this.#active = true;
    this.#timers.clearTimer(this.#idle);
    this.#idle = this.#timers.setTimer(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Say "stopped" if a start was said. */
  stop() {
    this.#timers.clearTimer(this.#idle);
    this.#idle = null;
    if (!this.#active) return;
    this.#active = false;
    this.#lastStart = -Infinity;
    this.#send(false);
  }

  /** The message was sent (or the chat ended): forget the state without a frame. */
  reset() {
    this.#timers.clearTimer(this.#idle);
    this.#idle = null;
    this.#active = false;
    this.#lastStart = -Infinity;
  }
}

export class TypingWatch {
  #emit;
  #timers;
  #shown = null; // who is shown typing, or null
  #expiry = null;

  /** `emit({ from, active })` on every change of what is shown. */
  constructor(emit, timers = realTimers) {
    this.#emit = emit;
    this.#timers = timers;
  }

  get shown() { return this.#shown; }

  /** A `typing` frame from the server. */
  onFrame(frame) {
    const from = frame?.from;
    if (from !== 'customer' && from !== 'agent') return;
    if (!frame.active) {
      if (this.#shown === from) this.hide();
      return;
    }
    this.#timers.clearTimer(this.#expiry);
    this.#expiry = this.#timers.setTimer(() => this.hide(), TYPING_SHOWN_MS);
    if (this.#shown === from) return;
    this.#shown = from;
    this.#emit({ from, active: true });
  }

  /** A message arrived from `from`: they are done typing it. */
  onMessage(from) {
    if (this.#shown !== null && this.#shown === from) this.hide();
  }

  hide() {
    this.#timers.clearTimer(this.#expiry);
    this.#expiry = null;
    const from = this.#shown;
    if (from === null) return;
    this.#shown = null;
    this.#emit({ from, active: false });
  }
}

// Seen receipts, both ways (docs/protocol.md, `seen`). Shared by the SDK and the agent desktop.
//
// SeenSender: what this side says. `seen(upTo)` is called whenever the page has shown the other side's
// messages up to seq `upTo`; a receipt goes out at once, then at most one every SEEN_PACE_MS (the server
// relays at most one a second per socket and chat), always with the highest seq shown, and never one that
// says no more than the last. A receipt that could not go out (no connection) is said again by `flush()`.
//
// latestFrom(messages, from): the seq of the latest message of `from` in a transcript, or 0.

export const SEEN_PACE_MS = 1500;

const realTimers = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (id) => clearTimeout(id),
};

export class SeenSender {
  #send;
  #timers;
  #wanted = 0; // the highest seq shown
  #told = 0; // the highest seq said
  #lastSent = -Infinity;
  #timer = null;

  /** `send(upTo)` puts one frame on the wire and returns false when it could not; `timers` is for tests. */
  constructor(send, timers = realTimers) {
    this.#send = send;
    this.#timers = timers;
  }

  get told() { return this.#told; }

  /** The page has shown the other side's messages up to `upTo`. */
  seen(upTo) {
    const seq = Number(upTo);
    if (!Number.isInteger(seq) || seq <= this.#wanted) return;
    this.#wanted = seq;
    this.flush();
  }

  /** Say what was shown and not yet said, now or as soon as the pace allows. */
  flush() {
    if (this.#wanted <= this.#told || this.#timer !== null) return;
    const wait = this.#lastSent + SEEN_PACE_MS - this.#timers.now();
    if (wait > 0) {
      this.#timer = this.#timers.setTimer(() => { this.#timer = null; this.flush(); }, wait);
      return;
    }
    const upTo = this.#wanted;
    if (this.#send(upTo) === false) return;
    this.#lastSent = this.#timers.now();
    this.#told = upTo;
  }

  /** Another chat: forget everything. */
  reset() {
    this.#timers.clearTimer(this.#timer);
    this.#timer = null;
    this.#wanted = 0;
    this.#told = 0;
    this.#lastSent = -Infinity;
  }
}

/** The seq of the latest message of `from` ('agent' or 'customer') in `messages` (seq order), or 0. */
export function latestFrom(messages, from) {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i]?.from === from && Number.isInteger(messages[i].seq)) return messages[i].seq;
  }
  return 0;
}

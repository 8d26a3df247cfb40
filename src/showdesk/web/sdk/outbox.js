// Messages sent but not yet acknowledged. Each keeps its clientId, so resending after a reconnect
// can never store a message twice (the server acks the stored one again).

export class Outbox {
  #pending = new Map(); // clientId -> {frame, resolve, reject}

  get size() { return this.#pending.size; }

  /** Returns a promise settled by `ack` or `reject` for this frame's clientId. */
  add(frame) {
    return new Promise((resolve, reject) => {
      this.#pending.set(frame.clientId, { frame, resolve, reject });
    });
  }

  has(clientId) { return this.#pending.has(clientId); }

  /** Frames still waiting for their ack, oldest first. */
  frames() { return [...this.#pending.values()].map((entry) => entry.frame); }

  ack({ clientId, id, seq }) {
    const entry = this.#pending.get(clientId);
    if (!entry) return false;
    this.#pending.delete(clientId);
    entry.resolve({ id, seq, clientId });
    return true;
  }

  reject(clientId, error) {
    const entry = this.#pending.get(clientId);
    if (!entry) return false;
    this.#pending.delete(clientId);
    entry.reject(error);
    return true;
  }

  /** Give up on the frames `matches` picks, e.g. those of a conversation that ended. */
  rejectWhere(matches, error) {
    for (const [clientId, entry] of [...this.#pending]) {
      if (!matches(entry.frame)) continue;
      this.#pending.delete(clientId);
      entry.reject(error);
    }
  }

  rejectAll(error) {
    const entries = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of entries) entry.reject(error);
  }
}

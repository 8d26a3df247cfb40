// A tiny event emitter shared by the socket and the chat. A listener that throws must not stop the
// others, nor the protocol handling that emitted the event, so errors are reported asynchronously.

export class Emitter {
  #listeners = new Map();

  on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.off(event, fn);
  }

  off(event, fn) {
    this.#listeners.get(event)?.delete(fn);
  }

  emit(event, payload) {
    for (const fn of [...(this.#listeners.get(event) ?? [])]) {
      try {
        fn(payload);
      } catch (err) {
        setTimeout(() => { throw err; });
      }
    }
  }
}

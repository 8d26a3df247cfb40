// The messages of one conversation: deduplicated by id, ordered by seq, and the highest seq up to
// which nothing is missing (what `resume` asks from).

export class Transcript {
  #byId = new Map();
  #seqs = new Set();
  #ordered = null;
  #lastSeq = 0;

  constructor(lastSeq = 0) {
    this.#lastSeq = Number(lastSeq) || 0;
  }

  get lastSeq() { return this.#lastSeq; }
  get size() { return this.#byId.size; }

  has(id) { return this.#byId.has(id); }
  get(id) { return this.#byId.get(id); }

  /** Messages ordered by seq (a fresh frozen array each time it changed). */
  list() {
    this.#ordered ??= Object.freeze([...this.#byId.values()].sort((a, b) => a.seq - b.seq));
    return this.#ordered;
  }

  /** Add one message; returns the stored copy, or null when it was already there or malformed. */
  add(raw) {
    const message = normalizeMessage(raw);
    if (!message || this.#byId.has(message.id)) return null;
    this.#byId.set(message.id, message);
    this.#seqs.add(message.seq);
    this.#ordered = null;
    // Seqs are gap-free per conversation; only advance over an unbroken run so that a missed frame
    // is asked for again on the next resume instead of being skipped silently.
    while (this.#seqs.has(this.#lastSeq + 1)) this.#lastSeq += 1;
    return message;
  }

  /** Replace everything (a resync): the list is the latest window, older ones are unknown. */
  replace(rawMessages) {
    this.#byId.clear();
    this.#seqs.clear();
    this.#ordered = null;
    const messages = (rawMessages ?? []).map(normalizeMessage).filter(Boolean);
    this.#lastSeq = messages.length ? Math.min(...messages.map((m) => m.seq)) - 1 : this.#lastSeq;
    for (const message of messages) this.add(message);
    return this.list();
  }

  clear(lastSeq = 0) {
    this.#byId.clear();
    this.#seqs.clear();
    this.#ordered = null;
    this.#lastSeq = lastSeq;
  }
}

export function normalizeMessage(raw) {
  if (!raw || typeof raw.id !== 'string' || !Number.isFinite(Number(raw.seq))) return null;
  return Object.freeze({
    id: raw.id,
    seq: Number(raw.seq),
    from: raw.from === 'agent' || raw.from === 'system' ? raw.from : 'customer',
    text: raw.text == null ? '' : String(raw.text),
    at: raw.at ?? null,
    displayName: raw.displayName ?? null,
    clientId: raw.clientId ?? null,
    ...(raw.photo?.id ? { photo: Object.freeze({ ...raw.photo }) } : {}),
    ...(typeof raw.notice?.code === 'string'
      ? { notice: Object.freeze({ code: raw.notice.code, params: Object.freeze({ ...(raw.notice.params ?? {}) }) }) }
      : {}),
  });
}

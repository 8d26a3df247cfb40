// The saved chat session of one deployment, kept in sessionStorage so a reload resumes the chat.
// Storage can be unavailable (privacy modes, sandboxed frames): then the chat simply is not saved.

export function sessionKey(organizationId, deploymentId) {
  return `showdesk:${organizationId}:${deploymentId}`;
}

export class SessionStore {
  #key;
  #storage;

  constructor(key, storage = safeSessionStorage()) {
    this.#key = key;
    this.#storage = storage;
  }

  get key() { return this.#key; }

  /** @returns {{token: string, conversationId: string, lastSeq: number, displayName: string}|null} */
  load() {
    try {
      const saved = JSON.parse(this.#storage?.getItem(this.#key) ?? 'null');
      if (!saved || typeof saved.token !== 'string' || !saved.token) return null;
      return {
        token: saved.token,
        conversationId: saved.conversationId ?? null,
        lastSeq: Number(saved.lastSeq) || 0,
        displayName: saved.displayName ?? '',
      };
    } catch {
      return null;
    }
  }

  save(session) {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(session));
    } catch { /* quota or storage disabled */ }
  }

  update(changes) {
    const saved = this.load();
    if (saved) this.save({ ...saved, ...changes });
  }

  clear() {
    try {
      this.#storage?.removeItem(this.#key);
    } catch { /* storage disabled */ }
  }
}

function safeSessionStorage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

// Photos on the agent desktop: loaded with the agent's token (so the chat's photos never sit behind a
// plain URL), kept as object URLs while the page lives, and the agent's marked-up copy sent back.

import { ApiError } from '/static/staff-session.js';

export class StaffPhotos {
  #token;
  #urls = new Map(); // photo id -> Promise of an object URL

  constructor(token) {
    this.#token = token;
  }

  /** The photo (a message's `photo`) as an object URL, at full resolution. */
  load(photo) {
    let loading = this.#urls.get(photo.id);
    if (!loading) {
      loading = this.#fetch(photo.url);
      this.#urls.set(photo.id, loading);
      loading.catch(() => this.#urls.delete(photo.id));
    }
    return loading;
  }

  /** A photo-mode still as an object URL the caller revokes (each replaces the one before: none is kept). */
  loadUncached(photo) {
    return this.#fetch(photo.url);
  }

  /** Send the marked-up copy of `original` into the chat; `clientId` makes a resend store nothing new. */
  async sendAnnotation(conversationId, original, blob, caption, clientId) {
    const url = new URL(`/api/v2/conversations/${encodeURIComponent(conversationId)}/photos`, location.origin);
    if (original) url.searchParams.set('annotates', original.id); // none: a frozen frame of the live video
    url.searchParams.set('clientId', clientId);
    if (caption) url.searchParams.set('caption', caption);
    const response = await this.#call(url, { method: 'POST', body: blob, headers: { 'Content-Type': blob.type } });
    return response.json();
  }

  forget() {
    for (const loading of this.#urls.values()) loading.then((url) => URL.revokeObjectURL(url), () => {});
    this.#urls.clear();
  }

  async #fetch(path) {
    const response = await this.#call(path, {});
    return URL.createObjectURL(await response.blob());
  }

  async #call(url, { method = 'GET', body, headers = {} }) {
    let response;
    try {
      response = await fetch(url, { method, body, headers: { ...headers, Authorization: `Bearer ${this.#token}` } });
    } catch {
      throw new ApiError(0, 'network_error', 'The ShowDesk server cannot be reached.');
    }
    if (!response.ok) {
      const data = await response.json().catch(() => null);
      throw new ApiError(response.status, data?.code, data?.message);
    }
    return response;
  }
}

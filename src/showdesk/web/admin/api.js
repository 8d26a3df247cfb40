// REST calls of the console: every verb, JSON or flow text bodies, errors as ApiError {status, code,
// message} (plus `problems` for a flow the server refused). A 401 signs the console out.

import { ApiError } from '/static/staff-session.js';

export { ApiError };

export class AdminApi {
  #token;
  #onSignedOut;

  constructor(token, onSignedOut) {
    this.#token = token;
    this.#onSignedOut = onSignedOut;
  }

  /** Go on with a new token (a password change ends the old one). */
  useToken(token) { this.#token = token; }

  get(path) { return this.request('GET', path); }
  post(path, body) { return this.request('POST', path, { body }); }
  patch(path, body) { return this.request('PATCH', path, { body }); }
  put(path, body) { return this.request('PUT', path, { body }); }
  delete(path) { return this.request('DELETE', path); }

  /** A flow's text as written, sent as YAML: JSON is YAML too, so either reads the same. */
  postFlowText(path, text) {
    return this.request('POST', path, { text, contentType: 'application/yaml' });
  }

  /** `quiet`: a 401 is only thrown, without signing the console out (signing out itself). */
  async request(method, path, { body, text, contentType, quiet = false } = {}) {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${this.#token}` };
    let payload;
    if (text !== undefined) {
      headers['Content-Type'] = contentType;
      payload = text;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'network_error', 'The ShowDesk server cannot be reached.');
    }
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const detail = typeof data?.detail === 'string' ? data.detail : null;
      const error = new ApiError(response.status, data?.code, data?.message ?? detail);
      if (Array.isArray(data?.problems)) error.problems = data.problems;
      if (response.status === 401 && !quiet) this.#onSignedOut?.(error);
      throw error;
    }
    return data;
  }
}

/** A list answer, whether bare or wrapped in {items}. */
export function listOf(data) {
  if (Array.isArray(data)) return data;
  return data?.items ?? [];
}

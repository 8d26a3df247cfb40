// The desktop's REST calls for moving and closing work (transfer, wrap-up), with the agent's token.

import { ApiError } from '/static/staff-session.js';

export class WorkApi {
  #token;

  constructor(token) {
    this.#token = token;
  }

  /** Where a chat may go: { queues: [{id, name, video}], agents: [{id, name, status}] }. */
  transferTargets() {
    return this.#call('GET', '/api/v2/routing/transfertargets');
  }

  /** `target`: { queueId } or { agentId }; `note` for the next agent. */
  transfer(conversationId, target, note) {
    return this.#call('POST', `/api/v2/conversations/${encodeURIComponent(conversationId)}/transfer`, { ...target, note });
  }

  wrapupCodes() {
    return this.#call('GET', '/api/v2/routing/wrapupcodes');
  }

  wrapUp(conversationId, code, note) {
    return this.#call('PUT', `/api/v2/conversations/${encodeURIComponent(conversationId)}/wrapup`, { code, note });
  }

  async #call(method, path, body) {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${this.#token}` };
    if (body) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    } catch {
      throw new ApiError(0, 'network_error', 'The ShowDesk server cannot be reached.');
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, data?.code, data?.message);
    return data;
  }
}

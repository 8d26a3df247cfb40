// The desktop's REST calls for moving and closing work (transfer, wrap-up), with the agent's token.

import { apiCall } from '/static/staff-session.js';

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

  #call(method, path, body) {
    return apiCall(method, path, this.#token, body);
  }
}

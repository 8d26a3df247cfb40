// The customer's side of one conversation as the guest socket tells it: chat state, transcript,
// routing and the agent. It only records and reports; the chat decides what to send.

import { Transcript } from './transcript.js';

const WAITING_ROUTING_STATES = new Set(['queued', 'no_agent_available', 'offered']);

export class Conversation {
  state = 'idle'; // 'idle' | 'starting' | 'queued' | 'connected' | 'ended'
  id = null;
  participantId = null;
  agentName = null;
  routing = null;
  transcript = new Transcript();
  #emit;

  /** @param {(event: string, payload: object) => void} emit */
  constructor(emit) {
    this.#emit = emit;
  }

  get isActive() { return this.state === 'starting' || this.state === 'queued' || this.state === 'connected'; }

  reset() {
    this.id = this.participantId = this.agentName = this.routing = null;
    this.transcript = new Transcript();
  }

  setState(state) {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.#emit('state', { state, previous });
  }

  onStarted({ conversationId, participantId, lastSeq }) {
    this.id = conversationId ?? null;
    this.participantId = participantId ?? null;
    if (!this.transcript.size) this.transcript.clear(Number(lastSeq) || 0);
    if (this.state === 'starting') this.setState('queued');
  }

  /** A `resumed` answer: missed messages appended, or the whole window replaced on resync. */
  onResumed({ conversationId, state, routing, messages, resync }) {
    this.id = conversationId ?? this.id;
    // Servers may say where routing stands (e.g. `no_agent_available`) so a reload can show it.
    if (typeof routing === 'string' && routing !== state) {
      this.routing = Object.freeze({ state: routing, queue: null, position: null, text: null });
    }
    if (resync) {
      this.#emit('resync', { messages: this.transcript.replace(messages) });
    } else {
      for (const message of messages ?? []) this.addMessage(message);
    }
    if (state === 'connected') {
      this.agentName ??= [...this.transcript.list()].reverse()
        .find((message) => message.from === 'agent')?.displayName ?? null;
      this.setState('connected');
    } else if (state !== 'ended' && state !== 'abandoned') {
      this.setState('queued');
    }
  }

  addMessage(raw) {
    const message = this.transcript.add(raw);
    if (message) this.#emit('message', message);
  }

  onRouting({ state, queue = null, position = null, text = null }) {
    this.routing = Object.freeze({ state, queue, position, text });
    if (this.state === 'queued' || this.state === 'connected') {
      if (state === 'connected') this.setState('connected');
      else if (WAITING_ROUTING_STATES.has(state)) this.setState('queued');
    }
    this.#emit('routing', this.routing);
  }

  onAgentJoined({ agentName }) {
    this.agentName = agentName ?? null;
    if (this.state !== 'ended') this.setState('connected');
    this.#emit('agentJoined', { agentName: this.agentName });
  }

  onAgentLeft({ agentName, reason }) {
    this.agentName = null;
    if (this.state !== 'ended') this.setState('queued');
    this.#emit('agentLeft', { agentName: agentName ?? null, reason: reason ?? null });
  }
}

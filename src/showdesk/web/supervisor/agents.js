// The Agents view (#agents): each agent who answers chats, their routing status, whether their desktop is
// connected, their connected chats and any video session open in them, read from GET /api/v2/analytics/agents
// every 3 s while the view is shown. Each chat has a Watch button that opens the read-only watch panel
// (watch.js). A row stays the same element from one refresh to the next, and a chat list is rebuilt only
// when it changed, so a focused Watch button keeps its focus.
//
// Test ids: supervisor-agents, supervisor-agent-row (data-agent-id) with cells agent-name, agent-status
// (data-value), agent-desktop (data-value), agent-chats (agent-chat, data-conversation-id, with chat-video
// and watch-conversation); supervisor-agents-empty; agents-updated.

import { apiGet } from '/static/staff-session.js';
import { el } from '/static/dom.js';
import { clock, clockSeconds } from './format.js';

const AGENTS = '/api/v2/analytics/agents';
const EVERY_MS = 3000;
const STATUS = { on_queue: 'On queue', busy: 'Busy', off_queue: 'Off queue', not_responding: 'Not responding' };
const VIDEO = { requested: 'video asked for', connecting: 'video connecting', live: 'video live', held: 'video on hold' };

export class AgentsView {
  #body;
  #updated;
  #token;
  #banner;
  #onWatch;
  #rows = new Map();
  #timer = null;
  #round = 0;
  #shown = false;

  /** `token()`: the signed-in token now; `onWatch(chat, button)`: a chat's Watch button was pressed. */
  constructor(root, { token, banner, onWatch }) {
    this.#body = root.querySelector('[data-testid="supervisor-agents"] tbody');
    this.#updated = root.querySelector('[data-testid="agents-updated"]');
    this.#token = token;
    this.#banner = banner;
    this.#onWatch = onWatch;
  }

  show() {
    if (this.#shown) return;
    this.#shown = true;
    this.#round += 1;
    this.#refresh(this.#round);
  }

  hide() {
    this.#shown = false;
    this.#round += 1;
    clearTimeout(this.#timer);
  }

  reset() {
    this.hide();
    this.#rows.clear();
    this.#body.replaceChildren();
  }

  async #refresh(mine) {
    if (mine !== this.#round) return;
    try {
      const { entities } = await apiGet(AGENTS, this.#token());
      if (mine !== this.#round) return;
      this.#render(entities);
      this.#updated.textContent = `Updated ${clockSeconds(new Date().toISOString())}; refreshes every 3 seconds.`;
    } catch (error) {
      if (mine !== this.#round) return;
      this.#updated.textContent = 'Not updated: the list below may be out of date.';
      if (error.status !== 401) this.#banner.show(error);
    }
    this.#timer = setTimeout(() => this.#refresh(mine), EVERY_MS);
  }

  #render(agents) {
    const keep = new Set(agents.map((a) => a.id));
    for (const id of [...this.#rows.keys()]) if (!keep.has(id)) this.#rows.delete(id);
    const rows = agents.map((agent) => this.#row(agent));
    this.#body.replaceChildren(...(rows.length ? rows : [el('tr', { testid: 'supervisor-agents-empty' },
      el('td', { class: 'table__empty', colspan: 4, text: 'Nobody in this organization answers chats.' }))]));
  }

  #row(agent) {
    let entry = this.#rows.get(agent.id);
    if (!entry) {
      const cells = ['agent-name', 'agent-status', 'agent-desktop', 'agent-chats'].map((testid) => el('td', { testid }));
      entry = { row: el('tr', { testid: 'supervisor-agent-row', dataset: { agentId: agent.id } }, cells), chats: '' };
      this.#rows.set(agent.id, entry);
    }
    const [name, status, desktop, chats] = entry.row.children;
    name.textContent = agent.name;
    status.textContent = STATUS[agent.status] ?? agent.status;
    status.dataset.value = agent.status;
    desktop.textContent = agent.connected ? 'Connected' : 'Not connected';
    desktop.dataset.value = String(agent.connected);
    const signature = JSON.stringify(agent.chats);
    if (signature !== entry.chats) {
      entry.chats = signature;
      chats.replaceChildren(agent.chats.length
        ? el('ul', { class: 'agent-chats' }, agent.chats.map((chat) => this.#chat(agent, chat)))
        : el('span', { class: 'muted', text: 'No chats' }));
    }
    return entry.row;
  }

  #chat(agent, chat) {
    const video = chat.video
      ? `${VIDEO[chat.video.state] ?? chat.video.state}${chat.video.path ? ` (${chat.video.path})` : ''}`
      : 'no video';
    const who = chat.customerName || 'A customer';
    const button = el('button', {
      class: 'btn btn-secondary btn-sm', type: 'button', testid: 'watch-conversation',
      'aria-label': `Watch the chat with ${who}`, text: 'Watch',
    });
    button.addEventListener('click', () => this.#onWatch({ ...chat, agentName: agent.name }, button));
    return el('li', { testid: 'agent-chat', dataset: { conversationId: chat.conversationId } },
      el('span', { class: 'agent-chats__who', text: who }),
      el('span', { class: 'muted', text: ` ${chat.queue ?? 'no queue'} · since ${clock(chat.since)} · ` }),
      el('span', { testid: 'chat-video', dataset: { value: chat.video?.state ?? '' }, text: video }),
      ' ', button);
  }
}

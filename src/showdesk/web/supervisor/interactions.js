// The Interactions view: the filter form (dates, queue, agent, state, video, photos, words), the results
// newest first a page at a time (GET /api/v2/conversations, "Load more" follows nextCursor), the exports
// of the filtered list and of one conversation (made by the server: GET .../export), and the opened
// conversation (interaction-detail.js). Someone without Transcript > View sees only the chats they took.
//
// Test ids: interactions-filters with interactions-from, -to, -queue, -agent, -state, -video, -photo, -q,
// -search; export-csv, export-json; interactions-status; interactions-table with interaction-row
// (data-conversation-id; cells row-started, row-customer (interaction-open), row-queue, row-agent, row-state,
// row-messages, row-video, row-photo, row-wrapup) or interactions-empty; interactions-load-more.

import { apiGet } from '/static/staff-session.js';
import { el, when } from '/static/dom.js';
import { saveFile } from './downloads.js';
import { InteractionDetail } from './interaction-detail.js';

const SEARCH = '/api/v2/conversations';
const STATES = { queued: 'Waiting', offered: 'Offered', connected: 'Connected', ended: 'Ended', abandoned: 'Abandoned' };

export class InteractionsView {
  #root;
  #token;
  #banner;
  #form;
  #body;
  #more;
  #status;
  #detail;
  #names = { queues: new Map(), agents: new Map() };
  #filters = new URLSearchParams();
  #cursor = null;
  #round = 0; // a newer search makes an older one's answer stale
  #started = false;

  /** `token()`: the signed-in token now; `banner`: where errors are told. */
  constructor(root, { token, banner }) {
    this.#root = root;
    this.#token = token;
    this.#banner = banner;
    const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#form = $('interactions-filters');
    this.#body = $('interactions-table').querySelector('tbody');
    this.#more = $('interactions-load-more');
    this.#status = $('interactions-status');
    this.#detail = new InteractionDetail($('interaction-detail'), {
      token, names: () => this.#names, onClose: () => this.#body.querySelector('[aria-pressed="true"]')?.focus(),
    });
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.search();
    });
    this.#more.addEventListener('click', () => this.#page(this.#round, true));
    $('export-csv').addEventListener('click', () => this.#export(`${SEARCH}/export`, 'csv', this.#readFilters()));
    $('export-json').addEventListener('click', () => this.#export(`${SEARCH}/export`, 'json', this.#readFilters()));
    $('export-conversation-csv').addEventListener('click', () => this.#exportOpened('csv'));
    $('export-conversation-json').addEventListener('click', () => this.#exportOpened('json'));
  }

  /** Shown: the first time, read the queue and agent names and search with no filter. */
  async show() {
    if (this.#started) return;
    this.#started = true;
    await this.#loadNames();
    await this.search();
  }

  reset() {
    this.#started = false;
    this.#round += 1;
    this.#detail.close();
    this.#body.replaceChildren();
  }

  async search() {
    this.#filters = this.#readFilters();
    this.#cursor = null;
    this.#round += 1;
    await this.#page(this.#round, false);
  }

  async #page(mine, more) {
    const params = new URLSearchParams(this.#filters);
    if (more && this.#cursor) params.set('cursor', this.#cursor);
    this.#status.textContent = 'Searching…';
    this.#more.disabled = true;
    try {
      const page = await apiGet(`${SEARCH}?${params}`, this.#token());
      if (mine !== this.#round) return;
      this.#cursor = page.nextCursor;
      const rows = page.entities.map((line) => this.#row(line));
      if (more) this.#body.append(...rows);
      else this.#body.replaceChildren(...(rows.length ? rows : [this.#empty()]));
      const shown = this.#body.querySelectorAll('[data-testid="interaction-row"]').length;
      this.#status.textContent = `${shown} shown${page.nextCursor ? ', more to load' : ''}`;
      this.#more.hidden = !page.nextCursor;
    } catch (error) {
      if (mine !== this.#round) return;
      this.#status.textContent = 'The search failed.';
      this.#banner.show(error);
    } finally {
      this.#more.disabled = false;
    }
  }

  #readFilters() {
    const data = new FormData(this.#form);
    const params = new URLSearchParams();
    for (const [name, value] of data) {
      const text = String(value).trim();
      if (!text) continue;
      if (name === 'from' || name === 'to') {
        const at = new Date(text); // the browser's own time zone, as the field shows it
        if (!Number.isNaN(at.getTime())) params.set(name, at.toISOString());
      } else params.set(name, text);
    }
    return params;
  }

  #row(line) {
    const { queues, agents } = this.#names;
    const open = el('button', {
      class: 'link-button', type: 'button', testid: 'interaction-open', 'aria-pressed': 'false',
      text: line.customerName || 'A customer', onclick: () => this.#open(line.id, open),
    });
    const cell = (testid, text, cls) => el('td', { testid, class: cls, text });
    return el('tr', { testid: 'interaction-row', dataset: { conversationId: line.id } },
      cell('row-started', when(line.createdAt)),
      el('td', { testid: 'row-customer' }, open),
      cell('row-queue', queues.get(line.queueId) ?? line.queueId ?? '—'),
      cell('row-agent', agents.get(line.agentId) ?? line.agentId ?? '—'),
      cell('row-state', STATES[line.state] ?? line.state),
      cell('row-messages', String(line.messages), 'num'),
      cell('row-video', line.hasVideo ? 'Yes' : 'No'),
      cell('row-photo', line.hasPhoto ? 'Yes' : 'No'),
      cell('row-wrapup', line.wrapupName ?? '—'));
  }

  #empty() {
    return el('tr', { testid: 'interactions-empty' },
      el('td', { class: 'table__empty', colspan: 9, text: 'No conversation matches these filters.' }));
  }

  async #open(id, button) {
    try {
      await this.#detail.open(id);
      for (const other of this.#body.querySelectorAll('[aria-pressed="true"]')) other.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-pressed', 'true');
    } catch (error) {
      this.#banner.show(error);
    }
  }

  #exportOpened(format) {
    const id = this.#detail.opened;
    if (id) this.#export(`${SEARCH}/${encodeURIComponent(id)}/export`, format, new URLSearchParams());
  }

  async #export(path, format, params) {
    params.set('format', format);
    try {
      await saveFile(`${path}?${params}`, this.#token(), `showdesk-export.${format}`);
    } catch (error) {
      this.#banner.show(error);
    }
  }

  /** Queue and agent names for the filters and the table (Directory > View; without it, ids are shown). */
  async #loadNames() {
    const [queues, users, codes] = await Promise.all([
      apiGet('/api/v2/routing/queues', this.#token()).catch(() => []),
      apiGet('/api/v2/users', this.#token()).catch(() => []),
      apiGet('/api/v2/routing/wrapupcodes', this.#token()).catch(() => []),
    ]);
    this.#names = {
      queues: new Map(queues.map((q) => [q.id, q.name])),
      agents: new Map(users.map((u) => [u.id, u.name || u.email])),
    };
    fill(this.#root.querySelector('[data-testid="interactions-queue"]'), this.#names.queues);
    fill(this.#root.querySelector('[data-testid="interactions-agent"]'), this.#names.agents);
    fill(this.#root.querySelector('[data-testid="interactions-wrapup"]'), new Map(codes.map((c) => [c.id, c.name])));
  }
}

function fill(select, names) {
  const first = select.options[0];
  const sorted = [...names].sort((a, b) => a[1].localeCompare(b[1]));
  select.replaceChildren(first, ...sorted.map(([id, name]) => el('option', { value: id, text: name })));
}

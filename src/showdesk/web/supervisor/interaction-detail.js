// One interaction opened in the Interactions view: what it was (times, queue, agent, how it ended), its
// wrap-up and transfers when it has them, its transcript (text by textContent only; system lines; photos
// and the agent's marked-up copies as thumbnails with a download link) and its video sessions (consent,
// direct or relay, the quality summary, picture problems, how each ended).
//
// Test ids: interaction-detail, interaction-facts (fact-* cells), interaction-wrapup, interaction-transfers
// (interaction-transfer rows), interaction-transcript (chat-photo, photo-download), interaction-video-sessions
// (interaction-video-row, data-session-id, with cells session-requested, session-consent, session-path,
// session-quality, session-problems, session-end), export-conversation-csv/json, interaction-close.

import { apiGet } from '/static/staff-session.js';
import { ChatLog } from '/static/chat-log.js';
import { adoptChatLogStyles } from '/static/chat-log-styles.js';
import { CustomerPanel } from '/static/customer-panel.js';
import { el, setChildren, when } from '/static/dom.js';
import { PhotoUrls } from './downloads.js';
import { cause, duration, percent } from './format.js';

const STATES = { queued: 'Waiting', offered: 'Offered', connected: 'Connected', ended: 'Ended', abandoned: 'Abandoned' };
const PROBLEMS = {
  no_frames: 'No picture reached the agent',
  not_decoding: 'The picture could not be decoded',
  black_frames: 'Black picture',
  frozen: 'The picture froze',
};
const OUTCOMES = { completed: 'Completed', failed: 'Failed', declined: 'Declined by the customer' };
const TRANSCRIPT_WORDS = {
  you: 'You', agent: 'Agent', customer: 'Customer', sending: 'Sending…', notSent: 'Not sent',
  photoAlt: 'The customer’s photo', markedPhotoAlt: 'The agent’s marked-up photo', download: 'Download',
  photoMissing: 'The photo could not be loaded',
};

export class InteractionDetail {
  #section;
  #token;
  #names;
  #photos;
  #log;
  #opened = null;

  /** `names()`: {queues: Map, agents: Map} of ids to names; `token()`: the signed-in token. */
  constructor(section, { token, names, onClose }) {
    this.#section = section;
    this.#token = token;
    this.#names = names;
    this.#photos = new PhotoUrls(token);
    adoptChatLogStyles(document);
    const transcript = section.querySelector('[data-testid="interaction-transcript"]');
    this.#log = new ChatLog(transcript, {
      self: 'supervisor', // nobody's messages are "mine" here
      photos: { load: (photo) => this.#photos.load(photo) },
      words: (key) => TRANSCRIPT_WORDS[key] ?? key,
    });
    section.querySelector('[data-testid="interaction-close"]').addEventListener('click', () => {
      this.close();
      onClose();
    });
  }

  /** The conversation on screen (its id), or null. */
  get opened() { return this.#opened; }

  async open(id) {
    const path = `/api/v2/conversations/${encodeURIComponent(id)}`;
    const [conversation, messages] = await Promise.all([
      apiGet(path, this.#token()), apiGet(`${path}/messages`, this.#token()),
    ]);
    this.#photos.forget();
    this.#opened = conversation.id;
    this.#section.dataset.conversationId = conversation.id;
    const heading = this.#section.querySelector('#detail-title');
    heading.textContent = `Conversation with ${conversation.customerName || 'a customer'}`;
    this.#facts(conversation, messages.length);
    this.#wrapup(conversation.wrapup);
    this.#transfers(conversation.transfers);
    this.#log.replaceAll(messages);
    this.#videos(conversation.videoSessions ?? []);
    this.#section.hidden = false;
    // Who the customer was, as the agent saw it (a chat from before customer details shows none).
    new CustomerPanel(this.#section.querySelector('[data-testid="customer-panel"]'),
      () => apiGet(`${path}/customer`, this.#token())).refresh();
    heading.focus();
  }

  close() {
    this.#opened = null;
    this.#section.hidden = true;
    this.#log.clear();
    this.#photos.forget();
  }

  #facts(c, count) {
    const { queues, agents } = this.#names();
    const ended = c.endedAt ? `${when(c.endedAt)}${c.endedBy ? ` by the ${c.endedBy}` : ''}` : '—';
    const facts = [
      ['state', 'State', STATES[c.state] ?? c.state],
      ['queue', 'Queue', queues.get(c.routing?.queueId) ?? c.routing?.queueId ?? '—'],
      ['agent', 'Agent', agents.get(c.routing?.agentId) ?? c.routing?.agentId ?? '—'],
      ['started', 'Started', when(c.createdAt)],
      ['connected', 'Agent joined', when(c.connectedAt)],
      ['ended', 'Ended', ended],
      ['end-reason', 'End reason', c.endReason ?? '—'],
      ['messages', 'Messages', String(count)],
    ];
    setChildren(this.#section.querySelector('[data-testid="interaction-facts"]'), facts.map(([id, label, value]) => [
      el('dt', { text: label }), el('dd', { testid: `fact-${id}`, text: value }),
    ]));
  }

  #wrapup(wrapup) {
    const box = this.#section.querySelector('[data-testid="interaction-wrapup"]');
    box.hidden = !wrapup;
    if (!wrapup) return;
    setChildren(box,
      el('h3', { text: 'Wrap-up' }),
      el('p', {},
        el('strong', { testid: 'wrapup-name', text: wrapup.name ?? 'No code' }),
        el('span', { class: 'muted', text: ` · ${when(wrapup.at)}` })),
      wrapup.note ? el('p', { class: 'interaction__note', testid: 'wrapup-note', text: wrapup.note }) : null);
  }

  #transfers(transfers) {
    const box = this.#section.querySelector('[data-testid="interaction-transfers"]');
    box.hidden = !transfers?.length;
    if (!transfers?.length) return;
    setChildren(box, el('h3', { text: 'Transfers' }), el('ol', { class: 'transfers' }, transfers.map((t) => el('li',
      { testid: 'interaction-transfer' },
      `${when(t.at)}: ${t.fromAgentName ?? 'An agent'} passed it to ${t.toAgentName ?? t.queueName ?? 'a queue'}`,
      t.note ? el('span', { class: 'interaction__note', text: ` — “${t.note}”` }) : null))));
  }

  #videos(sessions) {
    const box = this.#section.querySelector('[data-testid="interaction-video-sessions"]');
    if (!sessions.length) {
      setChildren(box, el('p', { class: 'muted', text: 'No video in this conversation.' }));
      return;
    }
    const head = ['Asked', 'Consent', 'Path', 'Quality', 'Problems', 'End'];
    setChildren(box, el('div', { class: 'table-wrap' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, head.map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, sessions.map((v) => el('tr', { testid: 'interaction-video-row', dataset: { sessionId: v.id } },
        el('td', { testid: 'session-requested', text: `${when(v.requestedAt)} by ${v.requestedBy === 'customer' ? 'the customer' : 'the agent'}` }),
        el('td', { testid: 'session-consent', dataset: { value: v.consentAt ?? '' }, text: v.consentAt ? when(v.consentAt) : 'Not given' }),
        el('td', { testid: 'session-path', dataset: { value: v.path ?? '' }, text: v.path ?? '—' }),
        el('td', { testid: 'session-quality', text: quality(v.quality) }),
        el('td', { testid: 'session-problems', text: v.problems.length ? v.problems.map((p) => PROBLEMS[p] ?? p).join('; ') : 'None' }),
        el('td', { testid: 'session-end', dataset: { value: v.outcome ?? '' }, text: ending(v) })))))));
  }
}

function quality(q) {
  if (!q) return 'No samples';
  const rtt = q.rttAverageMs === null ? '' : `, round trip ${Math.round(q.rttAverageMs)} ms`;
  return `${q.resolution}, ${Math.round(q.fpsAverage)} fps, ${Math.round(q.kbpsAverage)} kbit/s on average; `
    + `loss up to ${q.lossMaxPercent} %${rtt}; relayed ${percent(q.relayShare)} (${q.samples} samples)`;
}

function ending(v) {
  if (!v.endedAt) return `Open (${v.state})`;
  const outcome = OUTCOMES[v.outcome] ?? v.outcome ?? 'Ended';
  const why = v.failureReason ? `: ${cause(v.failureReason)}` : '';
  const by = v.endedBy ? `, ended by the ${v.endedBy}` : '';
  const long = v.durationSeconds === null ? '' : ` after ${duration(v.durationSeconds)}`;
  return `${outcome}${why}${by}${long}`;
}

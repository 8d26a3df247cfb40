// Supervisor dashboard: sign in, then queues, live video with its quality and the last hour's charts,
// read from GET /api/v2/analytics/supervisor every 2 s. Someone without Analytics > Dashboard > View is
// told which permission they lack instead of seeing an empty page. The Interactions view (#interactions,
// interactions.js) finds past and present conversations, opens one, and exports them. The Agents view
// (#agents, agents.js) lists who answers chats and their chats; Watch opens a chat read-only (watch.js).
//
// Test ids (data-testid), kept stable for tests:
//   sign-in: login-email, login-password, login-submit, error-banner; shell: signed-in-user, sign-out,
//     change-password (static/change-password.js), nav-dashboard, nav-interactions, nav-agents (aria-current="page"),
//     supervisor-updated, supervisor-forbidden
//   queues: supervisor-queues, supervisor-queue-row (data-queue-id) with cells queue-name, queue-waiting,
//     queue-longest-wait, queue-on-queue, queue-available; supervisor-queue-empty
//   video: supervisor-video-sessions, supervisor-video-row (data-session-id) with cells video-customer,
//     video-agent, video-state, video-since, video-resolution, video-fps, video-kbps, video-loss, video-rtt,
//     video-path; supervisor-video-empty. Every cell carries its raw value in data-value.
//   charts: chart-ttff (data-median-ms, data-p90-ms, data-went-live), chart-failures (data-failed,
//     data-sessions), chart-relay-share (data-share, data-relay, data-with-path); bars carry data-bucket
//     and data-value (failures also data-cause)

import { apiGet, clearStaffSession, loadStaffSession } from '/static/staff-session.js';
import { passwordChangePending, wireChangePassword } from '/static/change-password.js';
import { loginForm } from '/static/login-form.js';
import { ErrorBanner } from '/static/banner.js';
import { el } from '/static/dom.js';
import { drawClickToFirstFrame, drawFailures, drawRelayShare } from './charts.js';
import { clock, clockSeconds } from './format.js';
import { InteractionsView } from './interactions.js';
import { AgentsView } from './agents.js';
import { WatchPanel } from './watch.js';
import { queueTable, videoTable } from './tables.js';

const DASHBOARD = '/api/v2/analytics/supervisor';
const PERMISSION = 'analytics:dashboard:view';
const PERMISSION_WORDS = 'Analytics > Dashboard > View';
const EVERY_MS = 2000;
const FORBIDDEN_EVERY_MS = 10_000; // still asking, so a role given meanwhile shows the dashboard

const $ = (selector) => document.querySelector(selector);
const banner = new ErrorBanner($('[data-testid="error-banner"]'));
const views = { login: $('#login-view'), console: $('#console-view') };
const pages = { dashboard: $('#dashboard-view'), interactions: $('#interactions-view'), agents: $('#agents-view') };
const dashboard = $('#dashboard');
const forbidden = $('[data-testid="supervisor-forbidden"]');
const updated = $('[data-testid="supervisor-updated"]');
const queues = queueTable($('[data-testid="supervisor-queues"]'));
const videos = videoTable($('[data-testid="supervisor-video-sessions"]'));
const charts = {
  ttff: $('[data-testid="chart-ttff"]'),
  failures: $('[data-testid="chart-failures"]'),
  relay: $('[data-testid="chart-relay-share"]'),
};

const interactions = new InteractionsView(pages.interactions, { token: () => session?.token, banner });
let watchedFrom = null; // the Watch button the panel was opened with, focused again when it closes
const watch = new WatchPanel($('[data-testid="watch-panel"]'), {
  token: () => session?.token,
  onClose: () => (watchedFrom?.isConnected ? watchedFrom : $('[data-testid="nav-agents"]')).focus(),
});
const agents = new AgentsView(pages.agents, {
  token: () => session?.token,
  banner,
  onWatch: (chat, button) => {
    watchedFrom = button;
    watch.open(chat);
  },
});

let session = null;
let me = null; // the signed-in user as /users/me gave them: name, roles, permissions
let round = 0; // each sign-in's refresh loop has its own number; an old loop stops when it sees a new one
let timer = null;
let failing = false; // the banner shows a refresh error (cleared by the next good refresh)

const login = loginForm(views.login, {
  product: 'Supervisor',
  title: 'Sign in to the supervisor dashboard',
  demo: [['supervisor@demo.local', 'supervisor']],
  banner,
  onSignedIn: (signedIn) => open(signedIn),
});

$('#sign-out').addEventListener('click', () => signOut());
window.addEventListener('hashchange', () => showPage());

/** The view the address names (#interactions, or the dashboard), its nav link marked as the current page. */
function showPage() {
  const name = { '#interactions': 'interactions', '#agents': 'agents' }[location.hash] ?? 'dashboard';
  for (const [key, page] of Object.entries(pages)) page.hidden = key !== name;
  for (const link of document.querySelectorAll('.view-nav a')) {
    if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'interactions' && session) interactions.show();
  if (name === 'agents' && session) agents.show();
  else agents.hide();
}

// A new password ends every earlier token: the next refresh uses the fresh one.
wireChangePassword($('[data-testid="change-password"]'), {
  token: () => session?.token,
  onChanged: (changed) => {
    if (session) session = changed;
  },
  onSignedOut: (error) => signOut(error),
});

function signOut(error) {
  round += 1;
  clearTimeout(timer);
  clearStaffSession();
  session = null;
  me = null;
  interactions.reset();
  agents.reset();
  watch.close();
  views.console.hidden = true;
  views.login.hidden = false;
  if (error) banner.show(error);
  login.focus();
}

async function open(signedIn) {
  session = signedIn;
  banner.hide();
  views.login.hidden = true;
  views.console.hidden = false;
  me = signedIn.user;
  try {
    me = await apiGet('/api/v2/users/me', signedIn.token); // roles may have changed since sign-in
  } catch (error) {
    if (error.status === 401) {
      signOut(error);
      return;
    }
  }
  $('#user-name').textContent = me?.name || me?.email || '';
  if (Array.isArray(me?.permissions) && !me.permissions.includes(PERMISSION)) showForbidden(null);
  showPage();
  round += 1;
  refresh(round);
}

async function refresh(mine) {
  if (mine !== round || !session) return;
  const token = session.token;
  try {
    const data = await apiGet(DASHBOARD, token);
    if (mine !== round) return;
    show(data);
  } catch (error) {
    if (mine !== round) return;
    if (error.status === 401 && (passwordChangePending() || session?.token !== token)) {
      timer = setTimeout(() => refresh(mine), EVERY_MS); // a password change ended that token: go on with the new one
      return;
    }
    if (error.status === 401) {
      signOut(error);
      return;
    }
    if (error.status === 403) {
      showForbidden(error);
      timer = setTimeout(() => refresh(mine), FORBIDDEN_EVERY_MS);
      return;
    }
    failing = true;
    banner.show(error);
    updated.textContent = 'Not updated: the figures below may be out of date.';
  }
  timer = setTimeout(() => refresh(mine), EVERY_MS);
}

function show(data) {
  if (failing) {
    banner.hide();
    failing = false;
  }
  forbidden.hidden = true;
  dashboard.hidden = false;
  queues.show(data.queues);
  videos.show(data.videoSessions.map((v) => ({ ...v, id: v.sessionId })), data.at);
  $('#videos-count').textContent = String(data.videoSessions.length);
  const hour = data.lastHour;
  $('#hour-range').textContent = `${clock(hour.from)}–now, in five-minute steps`;
  drawClickToFirstFrame(charts.ttff, hour);
  drawFailures(charts.failures, hour);
  drawRelayShare(charts.relay, hour);
  showWrapups(data.wrapups ?? []);
  updated.textContent = `Updated ${clockSeconds(data.at)}; refreshes every 2 seconds.`;
  updated.dataset.at = data.at;
}

// Chats wrapped up in the last 24 hours, by code (most first); one row says when there are none yet.
function showWrapups(counts) {
  const body = $('[data-testid="supervisor-wrapups"] tbody');
  const rows = counts.map(({ name, count }) => el('tr', { 'data-testid': 'supervisor-wrapup-row' },
    el('td', { 'data-testid': 'wrapup-name' }, name || 'No code'),
    el('td', { class: 'num', 'data-testid': 'wrapup-count', 'data-value': String(count) }, String(count))));
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '2', class: 'muted' }, 'No chats wrapped up yet.'))]));
}

function showForbidden(error) {
  dashboard.hidden = true;
  forbidden.hidden = false;
  const who = me?.name || me?.email || 'You';
  const roles = me?.roles?.length ? ` (roles: ${me.roles.join(', ')})` : ' (no roles)';
  $('#forbidden-text').textContent = `${who}${roles} lacks the permission ${PERMISSION_WORDS} (${PERMISSION}), `
    + 'which this dashboard needs. Ask an administrator for the Supervisor role, or for a role that holds it.';
  $('#forbidden-detail').textContent = error?.message ? `The server said: ${error.message}` : '';
  updated.textContent = 'Not allowed.';
}

const saved = loadStaffSession();
if (saved) open(saved);
else signOut();

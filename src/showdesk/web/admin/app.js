// Administration console: sign in, then a left navigation of the sections the signed-in user may
// read; each section is its own module. Sections they may read but not change are read-only.
//
// Test ids (data-testid), kept stable for tests:
//   sign-in: login-email, login-password, login-submit, error-banner
//   shell: signed-in-user, sign-out, change-password (static/change-password.js), status-message, nav-<key> and
//     section-<key> for key in queues,
//     skills, users, roles, deployments, flows, canned, clients, turn, license, audit; readonly-note,
//     load-error, side-panel, panel-close, form-error, confirm-dialog, confirm-ok, confirm-cancel
//   list sections (noun: queue, skill, user, role, deployment, canned, client, turn): <noun>-new,
//     <noun>-table, <noun>-row (data-id, data-name), <noun>-edit, <noun>-delete, <noun>-form,
//     <noun>-save, <noun>-cancel, <noun>-empty; a pick-several list <id> has <id>-filter when long
//   queues: queue-name, queue-channel-chat, queue-channel-video, queue-skills, queue-members
//     (checkboxes carry data-value: skill name, user id)
//   skills: skill-name
//   canned responses: canned-title, canned-text
//   users: user-email, user-password, user-name, user-roles, user-skills, user-video-enabled,
//     user-default-camera, user-default-microphone, user-chat-capacity, user-active, user-disable,
//     user-demo (the mark on a demo account's row)
//   roles: role-name, role-permissions
//   deployments: deployment-name, deployment-origins, deployment-flow, deployment-active, deployment-video-resolution,
//     deployment-video-framerate, deployment-video-bitrate, deployment-video-preference,
//     deployment-snippet, deployment-copy
//   API clients: client-name, client-roles, client-active, client-rotate, client-secret, client-secret-copy
//   TURN servers: turn-name, turn-urls, turn-authentication, turn-secret, turn-username,
//     turn-credential, turn-active
//   licence: license-form, license-tier, license-live-video, license-limit, license-open-sessions, license-save
//   flows: flow-new, flow-table, flow-row (data-id, data-name), flow-open, flow-delete, flow-empty,
//     flow-editor-panel, flow-editor (the text), flow-status, flow-close, flow-validity, flow-problems,
//     flow-problem (data-severity, data-block), flow-graph, flow-node (data-block, data-type,
//     data-severity), flow-node-missing, flow-edge (data-from, data-to, data-label), flow-save,
//     flow-publish, flow-versions, flow-version (data-version, data-published), flow-version-load,
//     flow-version-publish
//   audit: audit-filter, audit-table, audit-row (data-action, data-target), audit-more, audit-empty

import { clearStaffSession, loadStaffSession } from '/static/staff-session.js';
import { loginForm } from '/static/login-form.js';
import { passwordChangePending, wireChangePassword } from '/static/change-password.js';
import { ErrorBanner } from '/static/banner.js';
import { AdminApi } from './api.js';
import { el } from '/static/dom.js';
import { SidePanel } from './panel.js';
import { SECTIONS } from './sections.js';

const $ = (selector) => document.querySelector(selector);
const banner = new ErrorBanner($('[data-testid="error-banner"]'));
const views = { login: $('#login-view'), console: $('#console-view') };
const nav = $('#admin-nav');
const root = $('#section-root');
const panel = new SidePanel(document.body);
const toast = $('[data-testid="status-message"]');

let ctx = null;
let mountedKey = null;

const login = loginForm(views.login, {
  product: 'Admin',
  title: 'Sign in to the administration console',
  demo: [['admin@demo.local', 'admin'], ['architect@demo.local', 'architect', 'for flows']],
  banner,
  onSignedIn: (session) => openConsole(session),
});

$('#sign-out').addEventListener('click', async () => {
  const api = ctx?.api;
  signOut();
  await api?.request('POST', '/api/v2/auth/logout', { quiet: true }).catch(() => {});
});

// A new password ends every earlier token: the console goes on with the fresh one.
wireChangePassword($('[data-testid="change-password"]'), {
  token: () => ctx?.token,
  onChanged: (session) => {
    if (!ctx) return;
    ctx.token = session.token;
    ctx.api.useToken(session.token);
  },
  onSignedOut: (error) => signOut(error),
});

window.addEventListener('hashchange', () => {
  if (ctx) showSection(currentKey());
});

function signOut(error) {
  clearStaffSession();
  ctx = null;
  mountedKey = null;
  panel.close();
  root.replaceChildren();
  nav.replaceChildren();
  views.console.hidden = true;
  views.login.hidden = false;
  if (error) banner.show(error);
  login.focus();
}

async function openConsole(session) {
  banner.hide();
  const api = new AdminApi(session.token, (error) => {
    if (!passwordChangePending()) signOut(error); // else the change ended the old token: a new one comes
  });
  let user = session.user;
  try {
    user = await api.get('/api/v2/users/me'); // fresh permissions: roles may have changed since sign-in
  } catch (error) {
    if (error.status === 401) return;
    banner.show(error);
  }
  const permissions = new Set(user?.permissions ?? []);
  ctx = {
    api,
    token: session.token,
    user,
    banner,
    panel,
    can: (permission) => permissions.has(permission),
    status: showStatus,
  };
  views.login.hidden = true;
  views.console.hidden = false;
  $('#user-name').textContent = user?.name || user?.email || '';
  $('#user-roles').replaceChildren(...(user?.roles ?? []).map((r) => el('span', { class: 'tag', text: r })));
  buildNav();
  showSection(currentKey());
}

function visibleSections() {
  return SECTIONS.filter((section) => section.read.some((permission) => ctx.can(permission)));
}

function buildNav() {
  const groups = new Map();
  for (const section of visibleSections()) {
    if (!groups.has(section.group)) groups.set(section.group, []);
    groups.get(section.group).push(section);
  }
  nav.replaceChildren(...[...groups].map(([group, sections]) => el('div', { class: 'admin-nav__group' },
    el('p', { class: 'admin-nav__heading', text: group }),
    el('ul', {}, sections.map((section) => el('li', {}, el('a', {
      class: 'admin-nav__link', href: `#/${section.key}`, testid: `nav-${section.key}`, dataset: { key: section.key },
      onclick: (event) => {
        if (currentKey() !== section.key) return; // the hash changes and the section opens
        event.preventDefault(); // the section already open: show it afresh
        mountedKey = null;
        showSection(section.key);
      },
    }, section.label)))))));
}

function currentKey() {
  return location.hash.replace(/^#\/?/, '').split('/')[0];
}

async function showSection(key) {
  const sections = visibleSections();
  if (!sections.length) {
    root.replaceChildren(el('div', { class: 'empty-state' },
      el('h1', { text: 'Nothing to administer' }),
      el('p', { text: 'Your roles give you no administration rights. Ask an administrator for the '
        + 'Directory > View permission, or use the agent desktop.' }),
      el('a', { class: 'btn btn-secondary', href: '/agent/', text: 'Open the agent desktop' })));
    return;
  }
  const section = sections.find((s) => s.key === key) ?? sections[0];
  if (section.key !== key) {
    history.replaceState(null, '', `#/${section.key}`);
  }
  if (mountedKey === section.key && root.firstChild) return;
  mountedKey = section.key;
  panel.close();
  banner.hide(); // an error belongs to the section it happened in
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.key === section.key) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const host = el('section', { class: 'admin-section', testid: `section-${section.key}` });
  root.replaceChildren(host);
  document.title = `${section.label} — ShowDesk Admin`;
  await section.mount(host, ctx);
}

let toastTimer = null;
function showStatus(message) {
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
}

const saved = loadStaffSession();
if (saved) openConsole(saved);
else signOut();

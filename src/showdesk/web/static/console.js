// Admin and supervisor consoles, read-only for now: sign in, then list queues, users and skills.

import { apiGet, clearStaffSession, loadStaffSession } from './staff-session.js';
import { wireLoginForm } from './login-form.js';
import { ErrorBanner } from './banner.js';
import { describeError } from './error-text.js';

const SECTIONS = [
  { key: 'queues', path: '/api/v2/routing/queues', columns: [
    ['Queue', (q) => q.name],
    ['Channels', (q) => q.channels ?? q.mediaTypes],
    ['Required skills', (q) => q.skills ?? q.requiredSkills ?? q.required_skills],
    ['Members', (q) => q.members ?? q.memberCount ?? q.member_count],
  ] },
  { key: 'users', path: '/api/v2/users', columns: [
    ['Name', (u) => u.name],
    ['Email', (u) => u.email],
    ['Roles', (u) => u.roles],
    ['Skills', (u) => u.skills],
  ] },
  { key: 'skills', path: '/api/v2/routing/skills', columns: [
    ['Skill', (s) => s.name],
    ['Id', (s) => s.id],
  ] },
];

export function mountConsole() {
  const $ = (selector) => document.querySelector(selector);
  const banner = new ErrorBanner($('[data-testid="error-banner"]'));
  const views = { login: $('#login-view'), console: $('#console-view') };

  const showLogin = (error) => {
    views.console.hidden = true;
    views.login.hidden = false;
    if (error) banner.show(error);
    login.focus();
  };

  const showConsole = async (session) => {
    banner.hide();
    views.login.hidden = true;
    views.console.hidden = false;
    $('#user-name').textContent = session.user?.name || session.user?.email || '';
    await Promise.all(SECTIONS.map((section) => loadSection(section, session.token, showLogin)));
  };

  const login = wireLoginForm($('#login-form'), { banner, onSignedIn: showConsole });
  $('#sign-out').addEventListener('click', () => {
    clearStaffSession();
    showLogin();
  });

  const saved = loadStaffSession();
  if (saved) showConsole(saved);
  else showLogin();
}

async function loadSection({ key, path, columns }, token, onSignedOut) {
  const body = document.querySelector(`#${key}-table tbody`);
  const count = document.querySelector(`#${key}-count`);
  setRows(body, [['Loading…']], columns.length);
  try {
    const data = await apiGet(path, token);
    const items = Array.isArray(data) ? data : data?.items ?? data?.data ?? data?.[key] ?? [];
    count.textContent = String(items.length);
    if (!items.length) setRows(body, [['Nothing here yet.']], columns.length);
    else setRows(body, items.map((item) => columns.map(([, read]) => read(item))));
  } catch (error) {
    if (error.status === 401) {
      clearStaffSession();
      onSignedOut(error);
      return;
    }
    count.textContent = '–';
    setRows(body, [[describeError(error).title]], columns.length);
  }
}

/** Rows of cells; a cell that is a list shows as tags. Everything through textContent. */
function setRows(body, rows, span = 0) {
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const value of cells) {
      const td = document.createElement('td');
      if (span) {
        td.colSpan = span;
        td.className = 'table__empty';
      }
      fillCell(td, value);
      tr.append(td);
    }
    return tr;
  }));
}

function fillCell(td, value) {
  if (Array.isArray(value)) {
    if (!value.length) td.textContent = '—';
    for (const item of value) {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = typeof item === 'object' && item ? item.name ?? item.id ?? JSON.stringify(item) : String(item);
      td.append(tag);
    }
  } else if (value && typeof value === 'object') {
    td.textContent = value.name ?? JSON.stringify(value);
  } else {
    td.textContent = value == null || value === '' ? '—' : String(value);
  }
}

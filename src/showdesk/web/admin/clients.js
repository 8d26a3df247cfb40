// API clients: OAuth client-credentials for other programs. The secret is shown once, after create
// or rotate, and never again.

import { listOf } from './api.js';
import { copyText, el, tags, when } from '/static/dom.js';
import { checkField, checkList, textField } from './fields.js';
import { confirmAction } from './panel.js';
import { ResourceSection } from './resource.js';

const clientPath = (client) => `/api/v2/oauth/clients/${encodeURIComponent(client.id)}`;

export function mountClients(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'client',
    title: 'API clients',
    lead: 'Programs that call the ShowDesk API get a client id and secret (OAuth client credentials) '
      + 'and act with the roles given here.',
    newLabel: 'New API client',
    edit: 'security:oauthclient:edit',
    empty: 'No API clients yet. Press "New API client" to give a program access to the API.',
    load: async (api) => {
      const [items, roles] = await Promise.all([
        api.get('/api/v2/oauth/clients'),
        ctx.can('directory:view') ? api.get('/api/v2/authorization/roles') : Promise.resolve([]),
      ]);
      return { items: listOf(items), roles: listOf(roles) };
    },
    columns: [
      ['Client', (c) => [el('strong', { text: c.name }), el('div', { class: 'muted small' }, 'id ', el('code', { text: c.id }))]],
      ['Roles', (c) => tags(c.roles, 'none')],
      ['Status', (c) => el('span', { class: c.active === false ? 'pill' : 'pill pill-success', text: c.active === false ? 'Off' : 'Active' })],
      ['Created', (c) => when(c.createdAt)],
      ['Secret set', (c) => when(c.secretRotatedAt ?? c.createdAt)],
    ],
    form: (client, data) => {
      const name = textField({
        label: 'Name', testid: 'client-name', value: client?.name, required: true,
        help: 'Which program uses it, e.g. "CRM sync".',
      });
      const roleNames = data.roles.map((r) => r.name);
      for (const r of client?.roles ?? []) if (!roleNames.includes(r)) roleNames.push(r);
      const roles = checkList({
        label: 'Roles', testid: 'client-roles', selected: client?.roles ?? [],
        options: roleNames.map((r) => ({ value: r, label: r })),
        help: 'The program may do what these roles allow, nothing more.',
      });
      const active = client ? checkField({
        label: 'Active', testid: 'client-active', checked: client.active !== false,
        help: 'Turn off to refuse new tokens for this client.',
      }) : null;
      return {
        fields: [name.row, roles.row, active?.row],
        check: () => (name.value() ? null : 'Give the client a name.'),
        read: () => {
          const body = { name: name.value(), roles: roles.value() };
          if (active) body.active = active.value();
          return body;
        },
      };
    },
    create: (api, body) => api.post('/api/v2/oauth/clients', body),
    update: (api, client, body) => api.patch(clientPath(client), body),
    afterSave: (saved, { isNew, section }) => {
      if (!isNew || !saved?.secret) return false;
      section.openEditor(section.find(saved.id) ?? saved, secretBox(saved));
      return true;
    },
    rowActions: (client, section) => [el('button', {
      class: 'btn btn-secondary btn-sm', type: 'button', testid: 'client-rotate', text: 'New secret',
      'aria-label': `New secret for ${client.name}`,
      onclick: () => rotate(client, section),
    })],
    remove: {
      label: 'Delete',
      confirm: (client) => ({
        title: `Delete API client "${client.name}"?`,
        message: 'The program using it can no longer get tokens. This cannot be undone.',
      }),
      run: (api, client) => api.delete(clientPath(client)),
    },
  }).mount(root);
}

async function rotate(client, section) {
  const { ctx } = section;
  if (!await confirmAction({
    title: `Make a new secret for "${client.name}"?`,
    message: 'The current secret stops working at once; the program needs the new one.',
    confirmLabel: 'Make new secret',
  })) return;
  try {
    const answer = await ctx.api.post(`${clientPath(client)}/secret`);
    await section.reload();
    section.openEditor(section.find(client.id) ?? client, secretBox({ ...client, ...answer }));
    ctx.status(`New secret made: ${client.name}`);
  } catch (error) {
    if (error.status !== 401) ctx.banner.show(error);
  }
}

function secretBox(client) {
  const secret = el('input', {
    class: 'input input--mono', type: 'text', readOnly: true, value: client.secret, testid: 'client-secret',
    'aria-label': 'Client secret', onfocus: (event) => event.target.select(),
  });
  const copied = el('span', { class: 'muted small', role: 'status' });
  return el('div', { class: 'secret-box', role: 'alert' },
    el('strong', { text: 'Copy it now: it will not be shown again.' }),
    el('p', {}, 'The program gets tokens from ', el('code', { text: 'POST /oauth/token' }),
      ' with grant_type=client_credentials, client id ', el('code', { text: client.id }), ' and this secret.'),
    secret,
    el('div', { class: 'snippet__actions' },
      el('button', {
        class: 'btn btn-secondary btn-sm', type: 'button', testid: 'client-secret-copy', text: 'Copy secret',
        onclick: async () => {
          copied.textContent = await copyText(secret.value, secret) ? 'Copied.' : 'Selected: press Ctrl+C (Cmd+C) to copy.';
        },
      }),
      copied));
}

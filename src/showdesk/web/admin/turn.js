// TURN servers ("video trunks"): relays video takes when a direct path between customer and agent
// fails. Secrets are written here but never read back.

import { listOf } from './api.js';
import { el, tags } from '/static/dom.js';
import { checkField, linesField, selectField, textField } from './fields.js';
import { ResourceSection } from './resource.js';

const AUTH = [
  { value: 'shared-secret', label: 'Shared secret (coturn use-auth-secret)' },
  { value: 'static', label: 'Fixed username and password' },
];

export function mountTurnServers(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'turn',
    title: 'Video trunks',
    lead: 'TURN servers relay video when a customer\'s network blocks a direct connection. '
      + 'Customers and agents get credentials for the active ones with each video.',
    newLabel: 'New TURN server',
    edit: 'telephony:trunk:edit',
    empty: 'No TURN servers yet. Video still works on open networks; press "New TURN server" to add a relay for strict ones.',
    load: async (api) => ({ items: listOf(await api.get('/api/v2/telephony/turn-servers')) }),
    columns: [
      ['Name', (t) => el('strong', { text: t.name })],
      ['URLs', (t) => tags(t.urls)],
      ['Authentication', (t) => (t.authentication === 'static'
        ? `Fixed user ${t.username ?? ''}`.trim()
        : `Shared secret${t.secretSet ? '' : ' (not set)'}`)],
      ['Status', (t) => el('span', { class: t.active === false ? 'pill' : 'pill pill-success', text: t.active === false ? 'Off' : 'Active' })],
    ],
    form: (server) => {
      const name = textField({
        label: 'Name', testid: 'turn-name', value: server?.name, required: true, help: 'E.g. "EU relay".',
      });
      const urls = linesField({
        label: 'URLs', testid: 'turn-urls', value: server?.urls ?? [], rows: 3,
        placeholder: 'turn:turn.example.com:3478?transport=udp',
        help: 'One per line, like turn:turn.example.com:3478?transport=udp or turns:turn.example.com:5349.',
      });
      const auth = selectField({
        label: 'Authentication', testid: 'turn-authentication', options: AUTH, value: server?.authentication ?? 'shared-secret',
        help: 'A shared secret gives each video short-lived credentials; a fixed password is sent to every browser as is.',
      });
      const secret = textField({
        label: 'Shared secret', testid: 'turn-secret', type: 'password', autocomplete: 'new-password',
        help: server?.secretSet
          ? 'A secret is stored (it is never shown). Leave empty to keep it.'
          : 'The static-auth-secret of your coturn server, at least 16 characters.',
      });
      const username = textField({ label: 'Username', testid: 'turn-username', value: server?.username });
      const credential = textField({
        label: 'Password', testid: 'turn-credential', type: 'password', autocomplete: 'new-password',
        help: server?.secretSet ? 'A password is stored. Leave empty to keep it.' : 'Sent to browsers with each video.',
      });
      const active = checkField({
        label: 'Active', testid: 'turn-active', checked: server ? server.active !== false : true,
        help: 'Only active servers are handed to browsers.',
      });
      const shared = el('div', {}, secret.row);
      const fixed = el('div', {}, username.row, credential.row);
      const showAuth = () => {
        shared.hidden = auth.value() !== 'shared-secret';
        fixed.hidden = auth.value() !== 'static';
      };
      auth.input.addEventListener('change', showAuth);
      showAuth();
      const stored = Boolean(server?.secretSet) && server?.authentication === auth.value();
      return {
        fields: [name.row, urls.row, auth.row, shared, fixed, active.row],
        check: () => {
          if (!name.value()) return 'Give the server a name.';
          if (!urls.value().length) return 'Add at least one turn: or turns: URL.';
          if (auth.value() === 'shared-secret' && !secret.input.value && !stored) return 'Enter the shared secret.';
          if (secret.input.value && secret.input.value.length < 16) return 'The shared secret needs at least 16 characters.';
          if (auth.value() === 'static' && !username.value()) return 'Enter the username.';
          if (auth.value() === 'static' && !credential.input.value && !stored) return 'Enter the password.';
          return null;
        },
        read: () => {
          const body = { name: name.value(), urls: urls.value(), authentication: auth.value(), active: active.value() };
          if (auth.value() === 'shared-secret' && secret.input.value) body.secret = secret.input.value;
          if (auth.value() === 'static') {
            body.username = username.value();
            if (credential.input.value) body.credential = credential.input.value;
          }
          return body;
        },
      };
    },
    create: (api, body) => api.post('/api/v2/telephony/turn-servers', body),
    update: (api, server, body) => api.patch(`/api/v2/telephony/turn-servers/${encodeURIComponent(server.id)}`, body),
    remove: {
      label: 'Delete',
      confirm: (server) => ({
        title: `Delete TURN server "${server.name}"?`,
        message: 'Videos that start after this no longer get it as a relay.',
      }),
      run: (api, server) => api.delete(`/api/v2/telephony/turn-servers/${encodeURIComponent(server.id)}`),
    },
  }).mount(root);
}

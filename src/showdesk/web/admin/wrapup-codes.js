// Wrap-up codes: what agents close a chat with after it ends ("Resolved", "Replacement sent", ...).

import { listOf } from './api.js';
import { el, tags } from '/static/dom.js';
import { textField } from './fields.js';
import { ResourceSection } from './resource.js';

export function mountWrapupCodes(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'wrap-up code',
    title: 'Wrap-up codes',
    lead: 'After End chat, agents say what the chat was about with one of these codes. A queue can require one.',
    newLabel: 'New wrap-up code',
    edit: 'routing:wrapupCode:edit',
    empty: 'No wrap-up codes yet. Press "New wrap-up code" to add one, e.g. "Resolved".',
    load: async (api) => {
      const [items, queues] = await Promise.all([
        api.get('/api/v2/routing/wrapupcodes'), api.get('/api/v2/routing/queues'),
      ]);
      return { items: listOf(items), queues: listOf(queues) };
    },
    columns: [
      ['Code', (c) => el('strong', { text: c.name })],
      ['Queues that require a code', (_c, data) => tags(data.queues.filter((q) => q.wrapupRequired).map((q) => q.name), 'none')],
    ],
    form: (code) => {
      const name = textField({
        label: 'Name', testid: 'wrapup-code-name', value: code?.name, required: true,
        help: 'As agents will read it in the list, e.g. "Replacement sent". Renaming keeps past chats\' names.',
      });
      return {
        fields: [name.row],
        check: () => (name.value() ? null : 'Give the code a name.'),
        read: () => ({ name: name.value() }),
      };
    },
    create: (api, body) => api.post('/api/v2/routing/wrapupcodes', body),
    update: (api, code, body) => api.put(`/api/v2/routing/wrapupcodes/${encodeURIComponent(code.id)}`, body),
    remove: {
      label: 'Delete',
      confirm: (code) => ({
        title: `Delete wrap-up code "${code.name}"?`,
        message: 'Agents can no longer choose it. Chats already closed with it keep its name.',
      }),
      run: (api, code) => api.delete(`/api/v2/routing/wrapupcodes/${encodeURIComponent(code.id)}`),
    },
  }).mount(root);
}

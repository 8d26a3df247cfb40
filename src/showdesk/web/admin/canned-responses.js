// Canned responses: the organization's replies agents insert by typing "/" in a chat. Agents' own
// (personal) ones are theirs alone and not shown here.

import { listOf } from './api.js';
import { el } from '/static/dom.js';
import { textAreaField, textField } from './fields.js';
import { ResourceSection } from './resource.js';

const PATH = '/api/v2/canned-responses';

// The console's tables and messages name items by `name`: a response's is its title.
const named = (response) => ({ ...response, name: response.title });

export function mountCannedResponses(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'canned',
    title: 'Canned responses',
    lead: 'Replies every agent can insert by typing "/" and a few letters of the title in a chat. '
      + '{customer.name} and {agent.name} are filled in with the chat\'s names.',
    newLabel: 'New canned response',
    edit: 'cannedResponses:manage',
    empty: 'No canned responses yet. Press "New canned response" to add one, e.g. a greeting.',
    load: async (api) => ({
      items: listOf(await api.get(PATH)).filter((r) => r.scope === 'organization').map(named),
    }),
    columns: [
      ['Title', (r) => el('strong', { text: r.title })],
      ['Text', (r) => el('span', { class: 'canned-text', text: r.text })],
    ],
    form: (response) => {
      const title = textField({
        label: 'Title', testid: 'canned-title', value: response?.title, required: true,
        help: 'Agents find it by typing "/" and the start of a word of it, e.g. "Greeting".',
      });
      const text = textAreaField({
        label: 'Text', testid: 'canned-text', value: response?.text, rows: 5,
        help: 'What the agent\'s reply box gets. {customer.name} and {agent.name} become the chat\'s names.',
      });
      return {
        fields: [title.row, text.row],
        check: () => {
          if (!title.value()) return 'Give the response a title.';
          if (!text.value().trim()) return 'Write the response\'s text.';
          return null;
        },
        read: () => ({ title: title.value(), text: text.value() }),
      };
    },
    create: async (api, body) => named(await api.post(PATH, { scope: 'organization', ...body })),
    update: async (api, response, body) => named(await api.patch(`${PATH}/${encodeURIComponent(response.id)}`, body)),
    remove: {
      label: 'Delete',
      confirm: (response) => ({
        title: `Delete canned response "${response.title}"?`,
        message: 'Agents can no longer insert it. Messages already sent with it stay as they are.',
      }),
      run: (api, response) => api.delete(`${PATH}/${encodeURIComponent(response.id)}`),
    },
  }).mount(root);
}

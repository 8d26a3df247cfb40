// Queues: where interactions wait, which channels they take, the skills and members that serve them.

import { listOf } from './api.js';
import { el, tags } from '/static/dom.js';
import { checkField, checkList, textField } from './fields.js';
import { ResourceSection } from './resource.js';

const CHANNEL_WORDS = { chat: 'Chat', video: 'Video' };

export function mountQueues(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'queue',
    title: 'Queues',
    lead: 'Where chats wait for an agent. Flows send interactions to a queue by its name.',
    newLabel: 'New queue',
    edit: 'routing:queue:edit',
    empty: 'No queues yet. Press "New queue" to add one, then add its members.',
    load: async (api) => {
      const [items, skills, users] = await Promise.all([
        api.get('/api/v2/routing/queues'), api.get('/api/v2/routing/skills'), api.get('/api/v2/users'),
      ]);
      return { items: listOf(items), skills: listOf(skills), users: listOf(users) };
    },
    columns: [
      ['Queue', (q) => el('strong', { text: q.name })],
      ['Channels', (q) => tags((q.channels ?? []).map((c) => CHANNEL_WORDS[c] ?? c))],
      ['Required skills', (q) => tags(q.requiredSkills, 'none')],
      ['Members', (q, data) => memberSummary(q.members ?? [], data.users)],
      ['Waiting', (q) => String(q.waiting ?? 0)],
    ],
    form: (queue, data) => {
      const name = textField({
        label: 'Name', testid: 'queue-name', value: queue?.name, required: true,
        help: 'For example "Video Troubleshooting". A flow\'s Queue block names the queue exactly like this.',
      });
      const channels = queue?.channels ?? ['chat'];
      const chat = checkField({ label: 'Chat', testid: 'queue-channel-chat', checked: channels.includes('chat') });
      const video = checkField({
        label: 'Video', testid: 'queue-channel-video', checked: channels.includes('video'),
        help: 'Tick Video when a flow with a Start Video block routes here; its agents need video enabled.',
      });
      const skills = checkList({
        label: 'Required skills', testid: 'queue-skills', selected: queue?.requiredSkills ?? [],
        options: data.skills.map((s) => ({ value: s.name, label: s.name })),
        empty: 'No skills yet: add them under Skills.',
        help: 'An agent needs every ticked skill to get this queue\'s interactions.',
      });
      const members = checkList({
        label: 'Members', testid: 'queue-members', selected: queue?.members ?? [],
        options: data.users.filter((u) => u.active !== false || (queue?.members ?? []).includes(u.id))
          .map((u) => ({ value: u.id, label: u.name || u.email, hint: u.email })),
        empty: 'No users yet: add them under Users.',
        help: 'Only members are offered this queue\'s interactions (when they hold its skills).',
      });
      const wrapup = checkField({
        label: 'Require a wrap-up code', testid: 'queue-wrapup-required', checked: Boolean(queue?.wrapupRequired),
        help: 'After End chat, the agent picks one of the codes under Wrap-up codes before the chat closes.',
      });
      return {
        fields: [name.row, el('fieldset', { class: 'field-group' }, el('legend', { class: 'label', text: 'Channels' }),
          chat.row, video.row), skills.row, members.row, wrapup.row],
        check: () => {
          if (!name.value()) return 'Give the queue a name.';
          if (!chat.value() && !video.value()) return 'Tick at least one channel.';
          return null;
        },
        read: () => ({
          name: name.value(),
          channels: [chat.value() && 'chat', video.value() && 'video'].filter(Boolean),
          requiredSkills: skills.value(),
          members: members.value(),
          wrapupRequired: wrapup.value(),
        }),
      };
    },
    create: (api, body) => api.post('/api/v2/routing/queues', body),
    update: (api, queue, body) => api.patch(`/api/v2/routing/queues/${encodeURIComponent(queue.id)}`, body),
    remove: {
      label: 'Delete',
      confirm: (queue) => ({
        title: `Delete queue "${queue.name}"?`,
        message: 'Flows that route to this queue will stop validating until they name another queue.',
      }),
      run: (api, queue) => api.delete(`/api/v2/routing/queues/${encodeURIComponent(queue.id)}`),
    },
  }).mount(root);
}

function memberSummary(ids, users) {
  if (!ids.length) return el('span', { class: 'muted', text: 'none yet' });
  const byId = new Map(users.map((u) => [u.id, u]));
  const names = ids.map((id) => byId.get(id)?.name || byId.get(id)?.email || id);
  const shown = names.slice(0, 3);
  return [tags(shown), names.length > shown.length ? el('span', { class: 'muted', text: `+${names.length - shown.length} more` }) : null];
}

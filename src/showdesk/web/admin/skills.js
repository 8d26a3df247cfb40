// Skills: what queues require and agents hold.

import { listOf } from './api.js';
import { el, tags } from '/static/dom.js';
import { textField } from './fields.js';
import { ResourceSection } from './resource.js';

export function mountSkills(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'skill',
    title: 'Skills',
    lead: 'A queue can require skills; only agents holding all of them get its interactions.',
    newLabel: 'New skill',
    edit: 'routing:skill:edit',
    empty: 'No skills yet. Press "New skill" to add one, e.g. "video-troubleshooting".',
    load: async (api) => {
      const [items, queues, users] = await Promise.all([
        api.get('/api/v2/routing/skills'), api.get('/api/v2/routing/queues'), api.get('/api/v2/users'),
      ]);
      return { items: listOf(items), queues: listOf(queues), users: listOf(users) };
    },
    columns: [
      ['Skill', (s) => el('strong', { text: s.name })],
      ['Required by queues', (s, data) => tags(data.queues.filter((q) => (q.requiredSkills ?? []).includes(s.name)).map((q) => q.name), 'none')],
      ['Agents holding it', (s, data) => String(data.users.filter((u) => (u.skills ?? []).includes(s.name)).length)],
    ],
    form: () => {
      const name = textField({
        label: 'Name', testid: 'skill-name', required: true,
        help: 'A short name such as "video-troubleshooting" or "french". Give it to agents under Users.',
      });
      return {
        fields: [name.row],
        check: () => (name.value() ? null : 'Give the skill a name.'),
        read: () => ({ name: name.value() }),
      };
    },
    create: (api, body) => api.post('/api/v2/routing/skills', body),
    remove: {
      label: 'Delete',
      confirm: (skill) => ({
        title: `Delete skill "${skill.name}"?`,
        message: 'Agents lose this skill. A skill that a queue still requires cannot be deleted.',
      }),
      run: (api, skill) => api.delete(`/api/v2/routing/skills/${encodeURIComponent(skill.id)}`),
    },
  }).mount(root);
}

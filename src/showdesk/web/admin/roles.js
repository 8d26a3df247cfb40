// Roles: named sets of permissions. Built-in roles are fixed; custom ones can be changed.

import { listOf } from './api.js';
import { el, tags } from '/static/dom.js';
import { checkList, textField } from './fields.js';
import { ResourceSection } from './resource.js';

export function mountRoles(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'role',
    title: 'Roles',
    lead: 'What people may do. Give roles to users under Users; changes apply at their next action.',
    newLabel: 'New role',
    edit: 'authorization:role:edit',
    empty: 'No roles yet. Press "New role" to add one.',
    isLocked: (role) => role.builtIn,
    lockedNote: 'Built-in roles cannot be changed or deleted. Create a custom role to pick other permissions.',
    load: async (api) => {
      const [items, permissions] = await Promise.all([
        api.get('/api/v2/authorization/roles'), api.get('/api/v2/authorization/permissions'),
      ]);
      return { items: listOf(items), permissions: listOf(permissions) };
    },
    columns: [
      ['Role', (r) => [el('strong', { text: r.name }), r.builtIn ? el('span', { class: 'tag tag--quiet', text: 'built-in' }) : null]],
      ['Permissions', (r) => tags(r.permissions, 'none')],
      ['Users', (r) => String(r.userCount ?? 0)],
    ],
    form: (role, data) => {
      const name = textField({
        label: 'Name', testid: 'role-name', value: role?.name, required: true,
        help: 'For example "Team Lead". Users get it under Users > Roles.',
      });
      const permissions = checkList({
        label: 'Permissions', testid: 'role-permissions', selected: role?.permissions ?? [],
        options: data.permissions.map((p) => ({ value: p.name, label: p.name, hint: p.description })),
        help: 'Tick what holders of this role may do.',
      });
      return {
        fields: [name.row, permissions.row],
        check: () => (name.value() ? null : 'Give the role a name.'),
        read: () => ({ name: name.value(), permissions: permissions.value() }),
      };
    },
    create: (api, body) => api.post('/api/v2/authorization/roles', body),
    update: (api, role, body) => api.patch(`/api/v2/authorization/roles/${encodeURIComponent(role.id)}`, body),
    remove: {
      label: 'Delete',
      confirm: (role) => ({
        title: `Delete role "${role.name}"?`,
        message: role.userCount
          ? `${role.userCount} user(s) hold this role: take it away from them first.`
          : 'Nobody holds this role; deleting it cannot be undone.',
      }),
      run: (api, role) => api.delete(`/api/v2/authorization/roles/${encodeURIComponent(role.id)}`),
    },
  }).mount(root);
}

// Users: sign-in, roles, skills and video settings. Users are never deleted, only disabled.

import { listOf } from './api.js';
import { el, tags } from '/static/dom.js';
import { checkField, checkList, numberField, selectField, textField } from './fields.js';
import { confirmAction } from './panel.js';
import { ResourceSection } from './resource.js';

const CAMERAS = [
  { value: '', label: 'Browser default' },
  { value: 'environment', label: 'Back camera (environment)' },
  { value: 'user', label: 'Front camera (user)' },
];

const userPath = (user) => `/api/v2/users/${encodeURIComponent(user.id)}`;
const MIN_PASSWORD = 12; // the server's rule too (it says so in its own words)

export function mountUsers(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'user',
    title: 'Users',
    lead: 'Everyone who signs in: agents, supervisors, architects and administrators.',
    newLabel: 'New user',
    edit: 'directory:user:edit',
    empty: 'No users yet. Press "New user" to add one.',
    load: async (api) => {
      const [items, roles, skills] = await Promise.all([
        api.get('/api/v2/users'), api.get('/api/v2/authorization/roles'), api.get('/api/v2/routing/skills'),
      ]);
      return { items: listOf(items), roles: listOf(roles), skills: listOf(skills) };
    },
    columns: [
      // Demo accounts keep the short passwords the demo documents: marked, so nobody takes them for real ones.
      ['Name', (u) => el('span', {},
        el('strong', { text: u.name || '—' }),
        u.demo ? ' ' : null,
        u.demo ? el('span', { class: 'pill pill-warning', testid: 'user-demo', text: 'Demo account',
          title: 'Demo data with a documented, short password: not for real use.' }) : null)],
      ['Email', (u) => u.email],
      ['Roles', (u) => tags(u.roles, 'none')],
      ['Skills', (u) => tags(u.skills, 'none')],
      ['Video', (u) => (u.videoEnabled ? 'Enabled' : 'Off')],
      ['Status', (u) => el('span', { class: u.active === false ? 'pill pill-danger' : 'pill pill-success',
        text: u.active === false ? 'Disabled' : 'Active' })],
    ],
    form: (user, data) => {
      const email = textField({
        label: 'Email', testid: 'user-email', type: 'email', value: user?.email, readOnly: Boolean(user),
        required: !user, help: user ? 'The sign-in email cannot change.' : 'They sign in with this address.',
      });
      const password = textField({
        label: user ? 'New password' : 'Password', testid: 'user-password', type: 'password',
        autocomplete: 'new-password', required: !user,
        help: user
          ? `Leave empty to keep the current password. A new one (at least ${MIN_PASSWORD} characters) signs them out everywhere.`
          : `At least ${MIN_PASSWORD} characters (a few unrelated words are easy to remember); tell it to them safely.`,
      });
      const name = textField({
        label: 'Display name', testid: 'user-name', value: user?.name,
        help: 'Customers see this name when the agent joins a chat.',
      });
      const roles = checkList({
        label: 'Roles', testid: 'user-roles', selected: user?.roles ?? [],
        options: data.roles.map((r) => ({ value: r.name, label: r.name, hint: r.builtIn ? 'built-in' : 'custom' })),
        help: 'Agent (or Chat Agent) to take chats; Administrator, Architect or Supervisor for the consoles.',
      });
      const skills = checkList({
        label: 'Skills', testid: 'user-skills', selected: user?.skills ?? [],
        options: data.skills.map((s) => ({ value: s.name, label: s.name })),
        empty: 'No skills yet: add them under Skills.',
        help: 'Queues only offer interactions to agents holding all the skills they require.',
      });
      const video = checkField({
        label: 'Video enabled', testid: 'user-video-enabled', checked: user?.videoEnabled,
        help: 'Needed to be offered interactions that may turn into video.',
      });
      const camera = selectField({
        label: 'Default camera', testid: 'user-default-camera', options: CAMERAS, value: user?.defaultCamera ?? '',
        help: 'Which of the customer\'s cameras to ask for first when this agent requests video.',
      });
      const microphone = textField({
        label: 'Default microphone', testid: 'user-default-microphone', value: user?.defaultMicrophone,
        help: 'Leave empty for the browser\'s default, or type a device label such as "USB headset".',
      });
      const capacity = numberField({
        label: 'Chats at once', testid: 'user-chat-capacity', value: user?.chatCapacity ?? 3, min: 1, max: 20,
        help: 'How many chats this agent handles at the same time (1 to 20).',
      });
      const active = user ? checkField({
        label: 'Active', testid: 'user-active', checked: user.active !== false,
        help: 'A disabled user cannot sign in or take chats.',
      }) : null;
      return {
        fields: [email.row, password.row, name.row, roles.row, skills.row, video.row, camera.row, microphone.row,
          capacity.row, active?.row],
        check: () => {
          if (!user && !email.value()) return 'Enter the user\'s email.';
          if (!user && password.value().length < MIN_PASSWORD) return `The password needs at least ${MIN_PASSWORD} characters.`;
          // A demo account may be given back its documented (short) password: the server decides that one.
          if (user && !user.demo && password.value() && password.value().length < MIN_PASSWORD) {
            return `The new password needs at least ${MIN_PASSWORD} characters.`;
          }
          const n = capacity.value();
          if (!Number.isInteger(n) || n < 1 || n > 20) return 'Chats at once must be a whole number from 1 to 20.';
          return null;
        },
        read: () => {
          const body = {
            name: name.value() || undefined,
            roles: roles.value(),
            skills: skills.value(),
            videoEnabled: video.value(),
            defaultCamera: camera.value(),
            defaultMicrophone: microphone.value(),
            chatCapacity: capacity.value(),
          };
          if (!user) return { email: email.value(), password: password.input.value, ...body };
          if (password.input.value) body.password = password.input.value;
          body.active = active.value();
          return body;
        },
      };
    },
    create: (api, body) => api.post('/api/v2/users', body),
    update: (api, user, body) => api.patch(userPath(user), body),
    rowActions: (user, section) => [el('button', {
      class: user.active === false ? 'btn btn-secondary btn-sm' : 'btn btn-danger-ghost btn-sm',
      type: 'button', testid: 'user-disable', text: user.active === false ? 'Enable' : 'Disable',
      onclick: () => setActive(user, user.active === false, section),
    })],
  }).mount(root);
}

async function setActive(user, active, section) {
  const { ctx } = section;
  if (!active && !await confirmAction({
    title: `Disable ${user.name || user.email}?`,
    message: 'They can no longer sign in or take chats. You can enable them again later.',
    confirmLabel: 'Disable',
  })) return;
  try {
    await ctx.api.patch(userPath(user), { active });
    ctx.status(`${active ? 'Enabled' : 'Disabled'}: ${user.name || user.email}`);
    await section.reload();
  } catch (error) {
    if (error.status !== 401) ctx.banner.show(error);
  }
}

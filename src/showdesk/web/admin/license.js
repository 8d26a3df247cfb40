// Licence: the organization's tier, the Live Video feature and how many videos may run at once.

import { describeError } from '/static/error-text.js';
import { el, setChildren } from '/static/dom.js';
import { checkField, numberField, selectField } from './fields.js';
import { errorBox, readOnlyNote } from './resource.js';

const PATH = '/api/v2/organization/license';
const EDIT = 'billing:license:edit';

export async function mountLicense(root, ctx) {
  const canEdit = ctx.can(EDIT);
  const body = el('div', { class: 'card license-card' }, el('p', { class: 'muted', text: 'Loading…' }));
  setChildren(root,
    el('header', { class: 'section-head' }, el('div', {},
      el('h1', { text: 'Licence' }),
      el('p', { class: 'page__lead', text: 'Video needs a tier that includes Live Video, the feature switched on, '
        + 'and room under the concurrent video limit.' }))),
    canEdit ? null : readOnlyNote(EDIT),
    body);
  let license;
  try {
    license = await ctx.api.get(PATH);
  } catch (error) {
    if (error.status !== 401) {
      body.replaceChildren(el('div', { class: 'form-error', testid: 'load-error', role: 'alert' },
        el('strong', { text: `Could not load the licence: ${describeError(error).title}` })));
    }
    return;
  }
  render(body, license, ctx, canEdit);
}

function tierName(tier) {
  return typeof tier === 'string' ? tier : tier?.name ?? tier?.tier ?? String(tier);
}

function render(body, license, ctx, canEdit) {
  const tiers = (license.tiers?.length ? license.tiers : [license.tier]).map((t) => ({
    value: tierName(t),
    label: typeof t === 'object' && t?.description ? `${tierName(t)}: ${t.description}` : tierName(t),
  }));
  const tier = selectField({
    label: 'Tier', testid: 'license-tier', options: tiers, value: license.tier,
    help: 'Your subscription tier, as on your contract.',
  });
  const live = checkField({
    label: 'Live Video', testid: 'license-live-video', checked: license.liveVideo,
    help: 'Lets agents ask customers for video. Off: chats go on, video requests are refused.',
  });
  const limit = numberField({
    label: 'Concurrent video limit', testid: 'license-limit', value: license.videoConcurrencyLimit, min: 0,
    help: 'How many videos may run at the same time across the organization; the next one is refused.',
  });
  const open = el('p', { class: 'license-usage' }, 'Videos open right now: ',
    el('strong', { testid: 'license-open-sessions', text: String(license.openVideoSessions ?? 0) }),
    ` of ${license.videoConcurrencyLimit}`);
  const error = errorBox();
  const save = el('button', { class: 'btn btn-primary', type: 'submit', testid: 'license-save', text: 'Save licence' });
  const form = el('form', { class: 'admin-form', testid: 'license-form', novalidate: true },
    el('fieldset', { class: 'form-fields', disabled: !canEdit }, tier.row, live.row, limit.row),
    open, error.element, canEdit ? el('div', { class: 'form-actions' }, save) : null);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const n = limit.value();
    if (!Number.isInteger(n) || n < 0) {
      error.show('The concurrent video limit must be a whole number, 0 or more.');
      return;
    }
    error.hide();
    save.disabled = true;
    try {
      const saved = await ctx.api.put(PATH, { tier: tier.value(), liveVideo: live.value(), videoConcurrencyLimit: n });
      ctx.status('Licence saved');
      render(body, { ...license, ...saved }, ctx, canEdit);
    } catch (failure) {
      if (failure.status !== 401) error.show(failure);
    } finally {
      save.disabled = false;
    }
  });
  body.replaceChildren(form);
}

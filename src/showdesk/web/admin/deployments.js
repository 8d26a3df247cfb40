// Web-chat deployments: which sites may embed the chat, which flow their chats run through, and the
// snippet to paste into those sites.

import { listOf } from './api.js';
import { copyText, el, tags } from '/static/dom.js';
import { checkField, linesField, numberField, selectField, textAreaField, textField } from './fields.js';
import { ResourceSection } from './resource.js';

export function mountDeployments(root, ctx) {
  return new ResourceSection(ctx, {
    noun: 'deployment',
    title: 'Web chat',
    lead: 'A deployment lets the listed websites embed the chat; its flow decides where chats go.',
    newLabel: 'New deployment',
    edit: 'security:oauthclient:edit',
    empty: 'No web-chat deployments yet. Press "New deployment", list your site\'s origin, then paste the snippet into the site.',
    load: async (api) => {
      const [items, flows] = await Promise.all([
        api.get('/api/v2/webchat/deployments'),
        ctx.can('architect:flow:view') ? api.get('/api/v2/flows') : Promise.resolve([]),
      ]);
      return { items: listOf(items), flows: listOf(flows) };
    },
    columns: [
      ['Deployment', (d) => [el('strong', { text: d.name }), el('div', { class: 'muted small' }, 'id ', el('code', { text: d.id }))]],
      ['Flow', (d) => (d.flowId ? d.flowName || d.flowId : el('span', { class: 'muted', text: 'no flow yet' }))],
      ['Allowed origins', (d) => tags(d.allowedOrigins, 'none: no site may chat')],
      ['Status', (d) => el('span', { class: d.active === false ? 'pill' : 'pill pill-success', text: d.active === false ? 'Off' : 'Active' })],
    ],
    form: (deployment, data) => {
      const name = textField({
        label: 'Name', testid: 'deployment-name', value: deployment?.name, required: true,
        help: 'For your own reference, e.g. "Shop website".',
      });
      const origins = linesField({
        label: 'Allowed origins', testid: 'deployment-origins', value: deployment?.allowedOrigins ?? [], rows: 3,
        placeholder: 'https://shop.example.com',
        help: 'Origins like https://shop.example.com, one per line: scheme, host and port only, no path. '
          + 'Chats from any other site are refused.',
      });
      const flowOptions = [{ value: '', label: '— No flow yet —' }, ...data.flows.map((f) => ({
        value: f.id,
        label: f.publishedVersion ? `${f.name} (published v${f.publishedVersion})` : `${f.name} (not published yet)`,
        disabled: !f.publishedVersion && f.id !== deployment?.flowId,
      }))];
      if (deployment?.flowId && !data.flows.some((f) => f.id === deployment.flowId)) {
        flowOptions.push({ value: deployment.flowId, label: deployment.flowName || deployment.flowId });
      }
      const flow = selectField({
        label: 'Flow', testid: 'deployment-flow', options: flowOptions, value: deployment?.flowId ?? '',
        help: data.flows.length
          ? 'Chats started on these sites run through this flow\'s published version. Publish a flow under Flows first.'
          : 'No flows to choose from yet: an architect creates and publishes them under Flows.',
      });
      const active = checkField({
        label: 'Active', testid: 'deployment-active', checked: deployment ? deployment.active !== false : true,
        help: 'Turn off to stop new chats from these sites without deleting anything.',
      });
      const quality = qualityFields(deployment?.videoQuality);
      return {
        extras: deployment
          ? el('div', {}, snippetBox(deployment), ctx.can('security:oauthclient:edit') ? signingKeyBox(deployment, ctx.api) : null)
          : null,
        fields: [name.row, origins.row, flow.row, active.row, ...quality.rows],
        check: () => (name.value() ? null : 'Give the deployment a name.') ?? quality.check(),
        read: () => ({
          name: name.value(), allowedOrigins: origins.value(), flowId: flow.value() || null, active: active.value(),
          videoQuality: quality.value(),
        }),
      };
    },
    create: (api, body) => api.post('/api/v2/webchat/deployments', body),
    update: (api, deployment, body) => api.patch(`/api/v2/webchat/deployments/${encodeURIComponent(deployment.id)}`, body),
    afterSave: (saved, { isNew, section }) => {
      if (!isNew || !saved?.id) return false;
      // Keep the panel open on the new deployment: the snippet is what the person needs next.
      section.openEditor(section.find(saved.id) ?? saved, el('p', {
        class: 'notice notice--success', text: 'Deployment created. Paste the chat widget snippet below into your site.',
      }));
      return true;
    },
    remove: {
      label: 'Delete',
      confirm: (deployment) => ({
        title: `Delete deployment "${deployment.name}"?`,
        message: 'Sites using its snippet can no longer start chats. Open chats go on.',
      }),
      run: (api, deployment) => api.delete(`/api/v2/webchat/deployments/${encodeURIComponent(deployment.id)}`),
    },
  }).mount(root);
}

/** The snippets to paste: the ready-made chat widget first, the SDK below it for a chat interface of the site's own. */
function snippetBox(deployment) {
  return el('div', { class: 'snippets' },
    snippet({
      label: 'Chat widget snippet', value: deployment.widgetSnippet, rows: 5, testid: 'deployment-widget-snippet',
      copyTestid: 'deployment-widget-copy',
      help: 'Paste this into your site\'s HTML, just before </body>: it puts the chat-and-video widget on the page '
        + '(launcher, chat, camera, phone layout). Options as data- attributes, listed in the snippet.',
    }),
    snippet({
      label: 'SDK snippet, for your own chat interface', value: deployment.snippet, rows: 9, testid: 'deployment-snippet',
      copyTestid: 'deployment-copy',
      help: 'Instead of the widget: it loads the chat SDK and creates window.showdeskChat for a chat interface '
        + 'your page builds itself.',
    }));
}

/** The key the site's server signs its customer blocks with (a customer shown as Verified), loaded when shown. */
function signingKeyBox(deployment, api) {
  const key = textField({
    label: 'Customer signing key', testid: 'deployment-signing-key', value: 'Loading…', readOnly: true,
    help: 'Your server signs createChat\'s customer block ({ name, email, id }) with this key and passes the hex '
      + 'result as customerSignature; agents then see the customer as Verified. Keep it on your server only.',
  });
  const example = textAreaField({
    label: 'Signing in Python', testid: 'deployment-signing-example', rows: 3, readOnly: true, mono: true,
    help: 'With import hmac, json; email, customer_id and name as your page passes them ("" when none).',
  });
  const copied = el('span', { class: 'muted small', role: 'status' });
  const copy = el('button', {
    class: 'btn btn-secondary btn-sm', type: 'button', testid: 'deployment-signing-copy', text: 'Copy key', disabled: true,
    onclick: async () => {
      copied.textContent = await copyText(key.input.value, key.input) ? 'Copied.' : 'Selected: press Ctrl+C (Cmd+C) to copy.';
    },
  });
  api.get(`/api/v2/webchat/deployments/${encodeURIComponent(deployment.id)}/signing-key`).then((answer) => {
    key.input.value = answer.signingKey;
    example.input.value = answer.example;
    copy.disabled = false;
  }, (error) => {
    key.input.value = '';
    copied.textContent = `The signing key could not be loaded: ${error.message}`;
  });
  return el('div', { class: 'snippet' }, key.row, el('div', { class: 'snippet__actions' }, copy, copied), example.row);
}

function snippet({ label, value, rows, testid, copyTestid, help }) {
  const code = textAreaField({ label, testid, value: value ?? '', rows, readOnly: true, mono: true, help });
  const copied = el('span', { class: 'muted small', role: 'status' });
  const copy = el('button', {
    class: 'btn btn-secondary btn-sm', type: 'button', testid: copyTestid, text: 'Copy snippet',
    onclick: async () => {
      copied.textContent = await copyText(code.input.value, code.input) ? 'Copied.' : 'Selected: press Ctrl+C (Cmd+C) to copy.';
    },
  });
  return el('div', { class: 'snippet' }, code.row, el('div', { class: 'snippet__actions' }, copy, copied));
}

const RESOLUTIONS = ['1920x1080', '1280x720', '960x540', '640x480', '640x360'];

/** Default video picture for this deployment's chats; a Start Video block's own settings win. */
function qualityFields(current) {
  const resolution = selectField({
    label: 'Video picture', testid: 'deployment-video-resolution', value: current?.resolution ?? '',
    options: [{ value: '', label: '— Browser default —' }, ...RESOLUTIONS.map((r) => ({ value: r, label: r }))],
    help: 'What the customer\'s camera is asked for. A Start Video block with its own quality settings wins.',
  });
  const frameRate = numberField({
    label: 'Frame rate', testid: 'deployment-video-framerate', value: current?.frameRate ?? 30,
    help: 'Frames per second asked of the camera, 5 to 60.',
  });
  const bitrate = numberField({
    label: 'Max bitrate (kbit/s)', testid: 'deployment-video-bitrate', value: current?.maxBitrateKbps ?? 2500,
    help: 'The most the customer\'s video may send, 100 to 8000.',
  });
  const preference = selectField({
    label: 'On a slow link keep', testid: 'deployment-video-preference', value: current?.preference ?? 'detail',
    options: [{ value: 'detail', label: 'Detail (resolution; fewer frames)' }, { value: 'smooth', label: 'Smooth motion (frames; lower resolution)' }],
    help: 'The agent can switch between them during the video.',
  });
  const photoMode = selectField({
    label: 'When the link is too slow to read detail', testid: 'deployment-video-photo-mode',
    value: current?.photoMode ?? 'offer',
    options: [{ value: 'offer', label: 'Offer sharp photos instead' }, { value: 'switch', label: 'Switch to sharp photos' },
              { value: 'off', label: 'Keep the live video' }],
    help: 'Under 640 x 360 pixels or 5 frames a second for 10 seconds: full-resolution stills every few seconds.',
  });
  return {
    rows: [resolution.row, frameRate.row, bitrate.row, preference.row, photoMode.row],
    check: () => {
      if (!resolution.value()) return null;
      const rate = frameRate.value();
      if (!Number.isInteger(rate) || rate < 5 || rate > 60) return 'Frame rate must be a whole number from 5 to 60.';
      const kbps = bitrate.value();
      if (!Number.isInteger(kbps) || kbps < 100 || kbps > 8000) return 'Max bitrate must be a whole number from 100 to 8000.';
      return null;
    },
    value: () => (resolution.value()
      ? { resolution: resolution.value(), frameRate: frameRate.value(), maxBitrateKbps: bitrate.value(),
          preference: preference.value(), photoMode: photoMode.value() }
      : null),
  };
}

// Flows: the list of flows and their published versions; opening one shows the editor (flow-editor.js).

import { describeError } from '/static/error-text.js';
import { listOf } from './api.js';
import { el, setChildren, when } from '/static/dom.js';
import { EDIT, FlowEditor } from './flow-editor.js';
import { confirmAction } from './panel.js';
import { readOnlyNote } from './resource.js';
import { toYaml } from './yaml.js';

function template(queueName) {
  return `name: New Flow
type: webchat
start: video
blocks:
  video:  {type: startVideo, mode: one-way, videoSource: camera, audioSource: none,
           success: route, failure: route}
  route:  {type: queue, queue: ${JSON.stringify(queueName)}}
`;
}

export async function mountFlows(root, ctx) {
  const view = new FlowsView(root, ctx);
  await view.load();
}

class FlowsView {
  #ctx;
  #flows = [];
  #queues = [];
  #tbody = el('tbody');
  #count = el('span', { class: 'pill pill-count', text: '…' });
  #empty = el('div', { class: 'empty-state', testid: 'flow-empty', hidden: true });
  #failure = el('div', { class: 'form-error', testid: 'load-error', role: 'alert', hidden: true });
  #editorHost = el('div', { class: 'flow-editor-host' });
  #editor = null;

  constructor(root, ctx) {
    this.#ctx = ctx;
    const canEdit = ctx.can(EDIT);
    setChildren(root,
      el('header', { class: 'section-head' },
        el('div', {}, el('h1', {}, 'Flows ', this.#count),
          el('p', { class: 'page__lead', text: 'A flow decides what happens when a chat starts: ask for video, '
            + 'send a message, route to a queue. Web-chat deployments run a flow\'s published version.' })),
        canEdit ? el('button', { class: 'btn btn-primary', type: 'button', testid: 'flow-new', text: 'New flow',
          onclick: () => this.openNew() }) : null),
      canEdit ? null : readOnlyNote(EDIT, 'save or publish flows'),
      this.#failure,
      el('div', { class: 'card table-wrap' },
        el('table', { class: 'table', testid: 'flow-table' },
          el('thead', {}, el('tr', {}, ['Flow', 'Type', 'Latest version', 'Published', 'Updated'].map((label) => el('th', { scope: 'col', text: label })),
            el('th', { scope: 'col', class: 'col-actions' }, el('span', { class: 'visually-hidden', text: 'Actions' })))),
          this.#tbody)),
      this.#empty,
      this.#editorHost);
  }

  get ctx() { return this.#ctx; }
  get queues() { return this.#queues; }

  async load() {
    this.#failure.hidden = true;
    try {
      const [flows, queues] = await Promise.all([
        this.#ctx.api.get('/api/v2/flows'),
        this.#ctx.can('directory:view') ? this.#ctx.api.get('/api/v2/routing/queues').catch(() => []) : [],
      ]);
      this.#flows = listOf(flows);
      this.#queues = listOf(queues);
    } catch (error) {
      if (error.status === 401) return;
      this.#count.textContent = '–';
      this.#failure.replaceChildren(el('strong', { text: `Could not load flows: ${describeError(error).title}` }));
      this.#failure.hidden = false;
      return;
    }
    this.#render();
  }

  #render() {
    this.#count.textContent = String(this.#flows.length);
    this.#empty.replaceChildren(el('p', { text: this.#ctx.can(EDIT)
      ? 'No flows yet. Press "New flow": it starts from a template you can edit.'
      : 'No flows yet. An architect creates them here.' }));
    this.#empty.hidden = this.#flows.length > 0;
    const openId = this.#editor?.flowId;
    this.#tbody.replaceChildren(...this.#flows.map((flow) => el('tr', {
      testid: 'flow-row', dataset: { id: flow.id, name: flow.name }, class: flow.id === openId ? 'row--open' : null,
    },
    el('td', {}, el('strong', { text: flow.name })),
    el('td', { text: flow.type ?? '—' }),
    el('td', { text: `v${flow.version}` }),
    el('td', {}, flow.publishedVersion
      ? el('span', { class: flow.publishedVersion === flow.version ? 'pill pill-success' : 'pill pill-warning',
        text: flow.publishedVersion === flow.version ? `v${flow.publishedVersion} (latest)` : `v${flow.publishedVersion} (older than latest)` })
      : el('span', { class: 'pill', text: 'not published' })),
    el('td', { text: when(flow.updatedAt) }),
    el('td', { class: 'col-actions' }, el('div', { class: 'row-actions' },
      el('button', { class: 'btn btn-secondary btn-sm', type: 'button', testid: 'flow-open', text: 'Open',
        'aria-label': `Open ${flow.name}`, onclick: () => this.open(flow) }),
      this.#ctx.can(EDIT) ? el('button', { class: 'btn btn-danger-ghost btn-sm', type: 'button', testid: 'flow-delete',
        text: 'Delete', 'aria-label': `Delete ${flow.name}`, onclick: () => this.remove(flow) }) : null)))));
  }

  openNew() {
    const videoQueue = this.#queues.find((q) => (q.channels ?? []).includes('video')) ?? this.#queues[0];
    this.#show(new FlowEditor(this, null, template(videoQueue?.name ?? 'Your queue name')));
  }

  open(flow) {
    this.#show(new FlowEditor(this, flow, toYaml(flow.definition ?? {})));
  }

  #show(editor) {
    this.#editor?.close();
    this.#editor = editor;
    this.#editorHost.replaceChildren(editor.element);
    this.#render();
    editor.start();
    editor.element.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  closeEditor() {
    this.#editor?.close();
    this.#editor = null;
    this.#editorHost.replaceChildren();
    this.#render();
  }

  /** After a save or publish: fresh list, the editor stays on the saved flow. */
  async saved(flow) {
    await this.load();
    return this.#flows.find((f) => f.id === flow.id) ?? flow;
  }

  async remove(flow) {
    if (!await confirmAction({
      title: `Delete flow "${flow.name}"?`,
      message: 'All its versions go. A flow that a web-chat deployment uses cannot be deleted: bind the deployment to another flow first.',
    })) return;
    try {
      await this.#ctx.api.delete(`/api/v2/flows/${encodeURIComponent(flow.id)}`);
      this.#ctx.status(`Deleted: ${flow.name}`);
      if (this.#editor?.flowId === flow.id) this.closeEditor();
      await this.load();
    } catch (error) {
      if (error.status !== 401) this.#ctx.banner.show(error);
    }
  }
}

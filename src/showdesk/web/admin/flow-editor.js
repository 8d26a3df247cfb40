// The flow editor: the flow's YAML (or JSON), live validation, a drawing of its graph, Save (a new
// draft version), Publish and the version history.

import { describeError } from '/static/error-text.js';
import { listOf } from './api.js';
import { debounce, el, when } from '/static/dom.js';
import { drawFlow } from './flow-graph.js';
import { confirmAction } from './panel.js';
import { errorBox } from './resource.js';
import { toYaml } from './yaml.js';

export const EDIT = 'engagement:chat:edit';
const VIDEO_EDIT = 'telephony:video:edit';
const VALIDATE_DELAY_MS = 400;

export class FlowEditor {
  #view;
  #flow;
  #savedText;
  #seq = 0;
  #definition = null;
  #lastDrawn = null;
  #problems = [];
  #validate;
  #canValidate = true;
  element;
  #text;
  #validity;
  #problemList;
  #graph;
  #status;
  #versions;
  #save;
  #publish;
  #error = errorBox();
  #permissionNote;

  constructor(view, flow, text) {
    this.#view = view;
    this.#flow = flow;
    this.#savedText = flow ? text : null;
    const canEdit = view.ctx.can(EDIT);
    this.#text = el('textarea', {
      class: 'textarea textarea--mono flow-text', testid: 'flow-editor', id: 'flow-text', rows: 18,
      spellcheck: false, readOnly: !canEdit, 'aria-describedby': 'flow-text-help',
    });
    this.#text.value = text;
    this.#validity = el('p', { class: 'flow-validity', testid: 'flow-validity', role: 'status', 'aria-live': 'polite' });
    this.#problemList = el('ul', { class: 'flow-problems', testid: 'flow-problems', 'aria-label': 'Problems' });
    this.#graph = el('div', { class: 'flow-graph', testid: 'flow-graph' });
    this.#status = el('span', { class: 'flow-status', testid: 'flow-status' });
    this.#versions = el('ol', { class: 'flow-versions', testid: 'flow-versions' });
    this.#save = el('button', { class: 'btn btn-secondary', type: 'button', testid: 'flow-save', text: 'Save draft',
      onclick: () => this.save() });
    this.#publish = el('button', { class: 'btn btn-primary', type: 'button', testid: 'flow-publish', text: 'Save and publish',
      onclick: () => this.publish() });
    this.#permissionNote = el('p', { class: 'readonly-note', hidden: true },
      'Saving a flow with a Start Video block needs permission ', el('code', { text: VIDEO_EDIT }), '.');
    this.#validate = debounce(() => this.#check(), VALIDATE_DELAY_MS);
    this.#text.addEventListener('input', () => {
      this.#validity.textContent = 'Checking…';
      this.#validity.dataset.state = 'checking';
      this.#updateStatus();
      this.#validate();
    });
    this.#text.addEventListener('keydown', (event) => {
      if (event.key === 'Tab' && !event.shiftKey && !this.#text.readOnly) {
        event.preventDefault(); // two spaces, as YAML wants; Shift+Tab still leaves the field
        this.#text.setRangeText('  ', this.#text.selectionStart, this.#text.selectionEnd, 'end');
        this.#text.dispatchEvent(new Event('input'));
      }
    });

    this.element = el('section', { class: 'card flow-editor', testid: 'flow-editor-panel', 'aria-labelledby': 'flow-editor-title' },
      el('header', { class: 'flow-editor__head' },
        el('h2', { id: 'flow-editor-title', text: flow ? flow.name : 'New flow' }), this.#status,
        el('button', { class: 'btn btn-ghost btn-sm', type: 'button', text: 'Close', testid: 'flow-close',
          onclick: () => this.#view.closeEditor() })),
      el('div', { class: 'flow-editor__grid' },
        el('div', { class: 'flow-editor__text' },
          el('label', { htmlFor: 'flow-text', class: 'label', text: 'Definition (YAML or JSON)' }),
          this.#text,
          el('p', { class: 'field-help', id: 'flow-text-help', text: 'Blocks: startVideo (mode one-way or two-way, '
            + 'audioSource none or microphone, exits success and failure), message (text, exit next), queue '
            + '(queue: a queue\'s exact name), disconnect. The name identifies the flow: Save under a new name makes a new flow.' }),
          this.#validity,
          this.#problemList),
        el('div', { class: 'flow-editor__graph' },
          el('span', { class: 'label', text: 'Graph' }),
          this.#graph)),
      this.#error.element,
      canEdit ? el('div', { class: 'form-actions' }, this.#save, this.#publish,
        el('span', { class: 'field-help', text: 'Save keeps a new draft version; publishing makes chats use it.' })) : null,
      this.#permissionNote,
      el('div', { class: 'flow-history' }, el('h3', { text: 'Version history' }), this.#versions));
  }

  get flowId() { return this.#flow?.id ?? null; }

  start() {
    this.#updateStatus();
    this.#check();
    this.#loadVersions();
  }

  close() {
    this.#validate.cancel();
    this.#seq += 1; // answers still under way are ignored
  }

  get #dirty() { return this.#text.value !== this.#savedText; }

  #updateStatus() {
    const flow = this.#flow;
    const parts = [];
    if (!flow) parts.push('Not saved yet');
    else {
      parts.push(`Latest v${flow.version}`);
      parts.push(flow.publishedVersion ? `published v${flow.publishedVersion}` : 'not published');
      if (this.#dirty) parts.push('unsaved changes');
    }
    this.#status.textContent = parts.join(' · ');
    this.#publish.textContent = !flow || this.#dirty ? 'Save and publish' : 'Publish';
    this.#status.dataset.published = flow?.publishedVersion && flow.publishedVersion === flow.version && !this.#dirty ? 'latest' : '';
  }

  async #check() {
    const seq = ++this.#seq;
    const text = this.#text.value;
    if (!this.#canValidate) {
      this.#show(this.#flow?.definition ?? null, [], null);
      return;
    }
    try {
      const answer = await this.#view.ctx.api.postFlowText('/api/v2/flows/validate', text);
      if (seq !== this.#seq) return;
      this.#show(answer.definition ?? null, answer.problems ?? [], answer.valid);
    } catch (error) {
      if (seq !== this.#seq || error.status === 401) return;
      if (error.status === 403) {
        this.#canValidate = false; // reading without the right to edit: just draw what is stored
        this.#show(this.#flow?.definition ?? null, [], null);
        return;
      }
      const problems = error.problems ?? [{ severity: 'error', block: 'flow', message: error.message || describeError(error).title }];
      this.#show(null, problems, false);
    }
  }

  #show(definition, problems, valid) {
    this.#definition = definition;
    this.#problems = problems;
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    if (valid === null) {
      this.#validity.textContent = 'Validation needs permission engagement:chat:edit; showing the stored flow.';
      this.#validity.dataset.state = 'unknown';
    } else if (errors) {
      this.#validity.textContent = `${errors} error${errors > 1 ? 's' : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}: fix before publishing`;
      this.#validity.dataset.state = 'invalid';
    } else if (warnings) {
      this.#validity.textContent = `Valid, with ${warnings} warning${warnings > 1 ? 's' : ''}`;
      this.#validity.dataset.state = 'warning';
    } else {
      this.#validity.textContent = 'Valid: ready to publish';
      this.#validity.dataset.state = 'valid';
    }
    this.#problemList.replaceChildren(...problems.map((p) => el('li', {
      class: `flow-problem flow-problem--${p.severity}`, testid: 'flow-problem', dataset: { severity: p.severity, block: p.block },
    }, el('span', { class: 'flow-problem__severity', text: p.severity === 'error' ? 'Error' : 'Warning' }),
    el('span', { class: 'flow-problem__block', text: p.block === 'flow' ? 'flow' : `block ${p.block}` }),
    el('span', { class: 'flow-problem__message', text: p.message }))));

    const drawing = definition ? drawFlow(definition, problems) : null;
    if (drawing) {
      this.#lastDrawn = definition;
      this.#graph.classList.remove('flow-graph--stale');
      this.#graph.replaceChildren(drawing);
    } else if (this.#lastDrawn && !definition) {
      this.#graph.classList.add('flow-graph--stale');
      const old = drawFlow(this.#lastDrawn, []);
      this.#graph.replaceChildren(el('p', { class: 'muted small', text: 'The text cannot be read right now; showing the last drawing.' }), old);
    } else {
      this.#graph.replaceChildren(el('p', { class: 'muted', text: 'Nothing to draw yet: add blocks and a start.' }));
    }
    const needsVideo = Object.values(definition?.blocks ?? {}).some((b) => b?.type === 'startVideo');
    const blocked = needsVideo && this.#view.ctx.can(EDIT) && !this.#view.ctx.can(VIDEO_EDIT);
    this.#permissionNote.hidden = !blocked;
    this.#save.disabled = blocked;
    this.#publish.disabled = blocked;
  }

  async #saveText() {
    const saved = await this.#view.ctx.api.postFlowText('/api/v2/flows', this.#text.value);
    this.#savedText = this.#text.value;
    return saved;
  }

  async save() {
    await this.#run(this.#save, async () => {
      const saved = await this.#saveText();
      this.#flow = await this.#view.saved(saved);
      const errors = (saved.problems ?? []).filter((p) => p.severity === 'error').length;
      this.#view.ctx.status(`Saved ${saved.name} v${saved.version}${errors ? ' (draft with errors: fix them before publishing)' : ''}`);
    });
  }

  async publish() {
    await this.#run(this.#publish, async () => {
      if (!this.#flow || this.#dirty) {
        this.#flow = await this.#view.saved(await this.#saveText());
      }
      const published = await this.#view.ctx.api.post(`/api/v2/flows/${encodeURIComponent(this.#flow.id)}/publish`);
      this.#flow = await this.#view.saved(published);
      this.#view.ctx.status(`Published ${this.#flow.name} v${this.#flow.publishedVersion ?? this.#flow.version}`);
    });
  }

  async #run(button, action) {
    this.#error.hide();
    this.#save.disabled = true;
    this.#publish.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await action();
      this.element.querySelector('#flow-editor-title').textContent = this.#flow?.name ?? 'New flow';
      await this.#loadVersions();
    } catch (error) {
      if (error.status !== 401) this.#error.show(error);
      if (error.problems) this.#show(this.#definition, error.problems, false);
    } finally {
      button.removeAttribute('aria-busy');
      this.#save.disabled = false;
      this.#publish.disabled = false;
      this.#updateStatus();
      this.#show(this.#definition, this.#problems, this.#canValidate ? !this.#problems.some((p) => p.severity === 'error') : null);
    }
  }

  async #loadVersions() {
    if (!this.#flow) {
      this.#versions.replaceChildren(el('li', { class: 'muted', text: 'Save the flow to start its history.' }));
      return;
    }
    try {
      const versions = listOf(await this.#view.ctx.api.get(`/api/v2/flows/${encodeURIComponent(this.#flow.id)}/versions`));
      versions.sort((a, b) => b.version - a.version);
      this.#versions.replaceChildren(...versions.map((v) => el('li', {
        class: 'flow-version', testid: 'flow-version', dataset: { version: String(v.version), published: v.published ? 'true' : 'false' },
      },
      el('strong', { text: `v${v.version}` }),
      v.published ? el('span', { class: 'pill pill-success', text: 'published' }) : null,
      el('span', { class: 'muted small', text: ` saved ${when(v.createdAt)}${v.createdBy ? ` by ${v.createdBy}` : ''}` }),
      el('div', { class: 'flow-version__actions' },
        el('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'flow-version-load', text: 'Load into editor',
          onclick: () => this.#loadVersion(v) }),
        !v.published && this.#view.ctx.can(EDIT) ? el('button', {
          class: 'btn btn-secondary btn-sm', type: 'button', testid: 'flow-version-publish', text: `Publish v${v.version}`,
          onclick: (event) => this.#publishVersion(v, event.currentTarget),
        }) : null))));
    } catch (error) {
      if (error.status === 401) return;
      this.#versions.replaceChildren(el('li', { class: 'muted', text: `History unavailable: ${describeError(error).title}` }));
    }
  }

  async #publishVersion(version, button) {
    if (!await confirmAction({
      title: `Publish v${version.version} of "${this.#flow.name}"?`,
      message: 'New chats on deployments using this flow run this version from now on.',
      confirmLabel: 'Publish', danger: false,
    })) return;
    await this.#run(button, async () => {
      const published = await this.#view.ctx.api.post(
        `/api/v2/flows/${encodeURIComponent(this.#flow.id)}/publish?version=${version.version}`);
      this.#flow = await this.#view.saved(published);
      this.#view.ctx.status(`Published ${this.#flow.name} v${version.version}`);
    });
  }

  #loadVersion(version) {
    this.#text.value = toYaml(version.definition ?? {});
    this.#text.dispatchEvent(new Event('input'));
    this.#text.focus();
    this.#view.ctx.status(`Loaded v${version.version} into the editor: Save to make it the latest version`);
  }
}

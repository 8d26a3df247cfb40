// The drop-in widget (sdk/widget.js loads it): the whole customer chat-and-video widget, in an open shadow
// root on a host element of its own so that the site's CSS cannot reach it, talking to the server the script
// came from. `mountWidget(script)` reads the options off the script tag (widget/options.js).

import { createChat } from '../webchat.js';
import { chooseLocale, wordsFor } from '../words.js';
import { ChatLog } from '../../static/chat-log.js';
import { ErrorBanner } from '../../static/banner.js';
import { describeError } from '../../static/error-text.js';
import { readOptions } from './options.js';
import { buildWidget } from './markup.js';
import { adoptStyles } from './styles.js';
import { agentLeftNotice, chatEndedNotice, chatStatus, routingStatus } from './status.js';
import { WidgetVideo } from './video.js';
import { noticeWords } from './notices.js';
import { ChatFollower } from './follow.js';
import { Handoff } from './handoff.js';
import { transcriptFile } from './transcript-file.js';

export function mountWidget(script) {
  const options = readOptions(script);
  const known = options.organizationId && options.deploymentId;
  if (!known && !options.handoff) {
    console.error('The ShowDesk chat widget needs data-organization and data-deployment on its <script> tag.');
    return null;
  }
  const host = document.createElement('showdesk-widget');
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, options);
  if (!known) {
    // A hand-off page whose code the server does not know: no chat to join, the reason in words.
    shadow.append(refusal(options));
    whenBody(() => document.body.append(host));
    return host;
  }
  const widget = new Widget(options);
  shadow.append(widget.ui.root);
  whenBody(() => {
    document.body.append(host);
    widget.begin();
    host.chat = widget.chat; // the page's own code may use the SDK object of the widget's chat
    host.open = () => widget.open();
    document.dispatchEvent(new CustomEvent('showdesk:widget', { detail: { chat: widget.chat, open: host.open } }));
  });
  // Buttons of the site's own that open the chat: <button data-showdesk-open>.
  document.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('[data-showdesk-open]')) widget.open();
  });
  return host;
}

function whenBody(run) {
  if (document.body) run();
  else document.addEventListener('DOMContentLoaded', run, { once: true });
}

/** The widget open on the words of a refused hand-off link, and nothing else. */
function refusal(options) {
  const t = wordsFor(chooseLocale(options.locale));
  const ui = buildWidget(options, t);
  const describe = (error) => describeError(error, { words: t.error, fallback: t('somethingWrong'), details: false });
  new ErrorBanner(ui.bannerElement, { describe, dismiss: t('dismiss') }).show({ code: 'handoff_not_found' });
  ui.startForm.hidden = true;
  ui.panel.hidden = false;
  ui.root.dataset.open = '';
  return ui.root;
}

class Widget {
  chat;
  ui;
  describe; // an error in this widget's words: {title, detail}
  #options;
  #t;
  #log;
  #banner;
  #video;
  #follower;
  #handoff;

  constructor(options) {
    this.#options = options;
    const t = wordsFor(chooseLocale(options.locale));
    this.#t = t;
    this.chat = createChat({
      organizationId: options.organizationId,
      deploymentId: options.deploymentId,
      serverUrl: options.server,
      serverUrls: options.servers,
      customer: options.customer,
      attributes: options.attributes,
      customerSignature: options.customerSignature,
    });
    const ui = buildWidget(options, t);
    this.ui = ui;
    if (options.customer?.name) ui.name.value = options.customer.name; // the site's; the customer may change it
    // Codes in this widget's words; the server's own (English) sentence only where the widget speaks English.
    const describe = (error) => describeError(error, {
      words: t.error, fallback: t('somethingWrong'), details: t.locale === 'en', codes: false,
    });
    this.#banner = new ErrorBanner(ui.bannerElement, { describe, dismiss: t('dismiss') });
    this.describe = describe;
    this.#log = new ChatLog(ui.logList, {
      self: 'customer', words: t, photos: { load: (photo) => this.chat.loadPhoto(photo) },
      // English reads the server's own sentence (the transcript's and the agent's words, as ever);
      // another language is worded from the line's code.
      systemText: t.locale === 'en' ? null : (message) => noticeWords(t, message),
    });
    this.#follower = new ChatFollower(ui.logList, ui.newMessage, {
      isMine: (item) => item.dataset?.from === 'customer',
    });
    this.#video = new WidgetVideo(ui, this.chat, this.#banner, t, (state, open) => this.#videoLayout(state, open));
    this.#handoff = new Handoff(ui, this.chat, t, this.#banner);
    this.chat.setShown(false); // the agent hears "Seen" only while the panel is open
    this.#wire();
  }

  get #greeting() { return this.#t('greeting'); }

  open() {
    const { ui } = this;
    const wasHidden = ui.panel.hidden;
    ui.panel.hidden = false;
    ui.root.dataset.open = '';
    ui.launcher.setAttribute('aria-expanded', 'true');
    delete ui.launcher.dataset.unread;
    if (wasHidden) (ui.conversation.hidden ? ui.name : ui.input).focus();
    this.chat.setShown(true);
  }

  close() {
    const { ui } = this;
    if (this.#options.layout === 'fullscreen') return;
    ui.panel.hidden = true;
    delete ui.root.dataset.open;
    ui.launcher.setAttribute('aria-expanded', 'false');
    ui.launcher.focus();
    this.chat.setShown(false);
  }

  /** The customer's transcript as a file, saved by the browser (a web page or plain text). */
  #downloadTranscript() {
    const { chat } = this;
    const t = this.#t;
    const file = transcriptFile(chat.messages, {
      format: this.ui.transcriptFormat.value, t, server: chat.config.serverUrl, customerName: chat.displayName,
      systemText: t.locale === 'en' ? null : (message) => noticeWords(t, message),
    });
    const url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
    const link = Object.assign(document.createElement('a'), { href: url, download: file.name });
    this.ui.root.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** After the widget is on the page: back to a chat this tab had, or a hand-off code to redeem. */
  begin() {
    const { chat } = this;
    if (this.#options.layout === 'fullscreen') this.open();
    if (chat.hasSavedSession()) {
      // A reload in the middle of a chat comes back to it, with the whole conversation (on a phone that
      // came in by a hand-off link too: the link works once, the chat it opened is saved).
      this.open();
      this.#showWaiting(this.#t('resuming'));
      this.#opening(chat.resumeChat());
    } else if (this.#options.handoff) {
      this.open();
      this.#showWaiting(this.#t('handoffJoining'));
      this.#opening(this.#handoff.continueHere(this.#options.handoff), { handoff: true });
    }
  }

  #showWaiting(text) {
    const { ui } = this;
    ui.startForm.hidden = true;
    ui.conversation.hidden = false;
    this.#setStatus({ text });
  }

  #setStatus({ text, tone }) {
    const { status } = this.ui;
    status.textContent = text;
    if (tone) status.dataset.tone = tone;
    else delete status.dataset.tone;
  }

  #showStartForm(statusText = this.#greeting) {
    const { ui, chat } = this;
    ui.conversation.hidden = true;
    ui.startForm.hidden = false;
    ui.name.value ||= chat.displayName;
    this.#setStatus({ text: statusText });
  }

  #showConversation() {
    const { ui, chat } = this;
    ui.startForm.hidden = true;
    ui.conversation.hidden = false;
    const active = chat.state !== 'ended';
    ui.input.disabled = ui.send.disabled = ui.attach.disabled = !active;
    ui.end.hidden = !active;
    ui.restart.hidden = active;
    this.#handoff.refresh();
  }

  /** After startChat/resumeChat/continueHandoff: the transcript so far, the routing state, a ready composer. */
  #showOpenedChat() {
    const { ui, chat } = this;
    this.#banner.hide();
    this.#log.clear();
    for (const message of chat.messages) this.#log.upsert(message);
    this.#showConversation();
    this.#setStatus(chatStatus(this.#t, chat));
    this.#video.refresh();
    this.#follower.toEnd();
    if (!ui.panel.hidden) ui.input.focus();
  }

  async #opening(promise, { handoff = false } = {}) {
    const { ui } = this;
    const t = this.#t;
    ui.start.disabled = true;
    ui.start.textContent = t('connecting');
    try {
      await promise;
      this.#showOpenedChat();
    } catch (error) {
      const ended = error.code === 'chat_ended';
      this.#showStartForm(ended ? t('previousEnded') : this.#greeting);
      if (!ended || handoff) this.#banner.show(error);
    } finally {
      ui.start.disabled = false;
      ui.start.textContent = t('start');
    }
  }

  /** On a small screen the live viewfinder takes the screen; the layout (CSS) reads these attributes. */
  #videoLayout(state, open) {
    const { root } = this.ui;
    root.dataset.video = state;
    if (open) root.dataset.viewfinder = '';
    else {
      delete root.dataset.viewfinder;
      delete root.dataset.sheet;
      this.ui.sheetHandle.setAttribute('aria-expanded', 'false');
    }
  }

  #toggleSheet() {
    const { root, sheetHandle } = this.ui;
    const open = !('sheet' in root.dataset);
    if (open) root.dataset.sheet = 'open';
    else delete root.dataset.sheet;
    sheetHandle.setAttribute('aria-expanded', String(open));
    sheetHandle.setAttribute('aria-label', this.#t(open ? 'hideChat' : 'showChat'));
  }

  #wire() {
    const { ui, chat } = this;
    const t = this.#t;
    ui.launcher.addEventListener('click', () => (ui.panel.hidden ? this.open() : this.close()));
    ui.minimize.addEventListener('click', () => this.close());
    ui.panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') this.close(); });
    ui.sheetHandle.addEventListener('click', () => this.#toggleSheet());
    // Pulling the handle up opens the sheet, pulling it down closes it.
    let pullFrom = null;
    ui.sheetHandle.addEventListener('pointerdown', (event) => { pullFrom = event.clientY; });
    ui.sheetHandle.addEventListener('pointerup', (event) => {
      const moved = pullFrom === null ? 0 : event.clientY - pullFrom;
      pullFrom = null;
      const open = 'sheet' in ui.root.dataset;
      if ((moved < -24 && !open) || (moved > 24 && open)) {
        this.#toggleSheet();
        ui.sheetHandle.dataset.pulled = ''; // the click that follows is part of the pull
      }
    });
    ui.sheetHandle.addEventListener('click', (event) => {
      if ('pulled' in ui.sheetHandle.dataset) {
        delete ui.sheetHandle.dataset.pulled;
        this.#toggleSheet(); // undo the click's toggle: the pull already chose
        event.stopImmediatePropagation();
      }
    }, { capture: true });

    ui.startForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const displayName = ui.name.value.trim();
      if (!displayName) {
        this.#banner.show({ code: 'display_name_required', message: '' });
        ui.name.focus();
        return;
      }
      this.#banner.hide();
      this.#opening(chat.startChat({ displayName }));
    });

    ui.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = ui.input.value;
      if (!text.trim() || ui.input.disabled) return;
      ui.input.value = '';
      this.#fitInput();
      const pending = this.#log.addPending(text, chat.displayName);
      this.#follower.toEnd();
      chat.sendText(text).then(pending.confirm, (error) => {
        pending.fail(this.describe(error).title);
        this.#banner.show(error);
      });
    });
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.input.addEventListener('input', () => {
      this.#fitInput();
      chat.sendTyping(ui.input.value.trim() !== ''); // an emptied field is no longer typing
    });
    ui.input.addEventListener('blur', () => chat.sendTyping(false));
    ui.attach.addEventListener('click', () => ui.attachInput.click());
    ui.attachInput.addEventListener('change', () => {
      const [file] = ui.attachInput.files ?? [];
      ui.attachInput.value = ''; // the same file may be chosen again
      if (file) this.#sendFile(file);
    });

    ui.end.addEventListener('click', () => {
      ui.end.disabled = true;
      chat.endChat().catch((error) => this.#banner.show(error)).finally(() => { ui.end.disabled = false; });
    });
    ui.transcriptDownload.addEventListener('click', () => this.#downloadTranscript());
    ui.restart.addEventListener('click', () => {
      this.#log.clear();
      this.#banner.hide();
      this.#showStartForm();
      ui.start.focus();
    });

    chat.on('message', (message) => {
      this.#log.upsert(message);
      if (ui.panel.hidden && message.from !== 'customer') ui.launcher.dataset.unread = '';
    });
    chat.on('resync', ({ messages }) => this.#log.replaceAll(messages));
    chat.on('routing', (routing) => this.#setStatus(routingStatus(t, routing, chat.agentName)));
    // Joins, departures and the end are written into the transcript by the server as system messages;
    // the status line says the same live, so nothing is added to the log here (no doubled lines).
    chat.on('agentJoined', ({ agentName }) => this.#setStatus({ text: t('joined', { name: agentName || t('anAgent') }) }));
    chat.on('agentLeft', (event) => this.#setStatus({ text: agentLeftNotice(t, event) }));
    chat.on('typing', ({ active }) => {
      ui.typing.hidden = !active;
      ui.typing.textContent = active ? t('typing', { name: chat.agentName || t('theAgent') }) : '';
    });
    chat.on('seen', ({ upTo }) => this.#log.showSeen(upTo, t('seen')));
    chat.on('chatEnded', ({ by }) => {
      this.#setStatus({ text: chatEndedNotice(t, by) });
      this.#showConversation();
      ui.restart.focus();
    });
    chat.on('error', (error) => this.#banner.show(error));
    chat.on('connection', ({ state, attempt, restart }) => {
      const active = chat.state === 'queued' || chat.state === 'connected';
      const trouble = active && state === 'reconnecting' && !restart; // a node restarting is no trouble of theirs
      ui.connection.dataset.state = state; // connecting | open | reconnecting | closed
      ui.connection.hidden = !trouble;
      ui.connection.textContent = t(trouble && attempt > 2 ? 'stillReconnecting' : 'reconnecting');
    });
  }

  /** The customer's own image into the chat; a refusal is said in the customer's words and the chat goes on. */
  async #sendFile(file) {
    const { ui, chat } = this;
    const t = this.#t;
    ui.attach.disabled = true;
    ui.attach.setAttribute('aria-label', t('attachSending'));
    try {
      await chat.sendFile(file);
      this.#banner.hide();
      this.#follower.toEnd();
    } catch (error) {
      this.#banner.show(error);
    } finally {
      ui.attach.disabled = chat.state === 'ended';
      ui.attach.setAttribute('aria-label', t('attachFile'));
    }
  }

  #fitInput() {
    const { input } = this.ui;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
  }
}

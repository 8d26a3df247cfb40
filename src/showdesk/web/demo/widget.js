// The customer chat widget of the demo shop, built on the public web-chat SDK.

import { createChat } from '/sdk/webchat.js';
import { ChatLog } from '/static/chat-log.js';
import { ErrorBanner } from '/static/banner.js';
import { describeError } from '/static/error-text.js';
import { agentLeftNotice, chatEndedNotice, chatStatus, routingStatus } from './widget-status.js';
import { WidgetVideo } from './widget-video.js';

const root = document.getElementById('chat-widget');
const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
const params = new URLSearchParams(location.search);

const chat = createChat({
  organizationId: params.get('organizationId') || root.dataset.organizationId,
  deploymentId: params.get('deploymentId') || root.dataset.deploymentId,
  // ?servers=http://node-a:8080,http://node-b:8080 tries other nodes when this one goes away.
  serverUrls: (params.get('servers') || '').split(',').filter(Boolean),
});

const ui = {
  panel: root.querySelector('#chat-panel'),
  launcher: byTestId('chat-open'),
  minimize: root.querySelector('#chat-minimize'),
  status: root.querySelector('#chat-status'),
  connection: byTestId('connection-status'),
  banner: new ErrorBanner(byTestId('error-banner')),
  startForm: root.querySelector('#chat-start-form'),
  name: byTestId('chat-name'),
  start: byTestId('chat-start'),
  conversation: root.querySelector('#chat-conversation'),
  log: new ChatLog(byTestId('chat-log'), { self: 'customer', photos: { load: (photo) => chat.loadPhoto(photo) } }),
  composer: root.querySelector('#chat-composer'),
  input: byTestId('chat-input'),
  send: byTestId('chat-send'),
  end: byTestId('chat-end'),
  restart: byTestId('chat-restart'),
};
const greeting = ui.status.textContent;
const video = new WidgetVideo(root, chat, ui.banner);
window.showdeskDemoChat = chat; // the demo's chat, for trying the SDK from the browser console

function openPanel() {
  const wasHidden = ui.panel.hidden;
  ui.panel.hidden = false;
  ui.launcher.setAttribute('aria-expanded', 'true');
  delete ui.launcher.dataset.unread;
  if (wasHidden) (ui.conversation.hidden ? ui.name : ui.input).focus();
}

function closePanel() {
  ui.panel.hidden = true;
  ui.launcher.setAttribute('aria-expanded', 'false');
  ui.launcher.focus();
}

function setStatus({ text, tone }) {
  ui.status.textContent = text;
  if (tone) ui.status.dataset.tone = tone;
  else delete ui.status.dataset.tone;
}

function showStartForm(statusText = greeting) {
  ui.conversation.hidden = true;
  ui.startForm.hidden = false;
  ui.name.value ||= chat.displayName;
  setStatus({ text: statusText });
}

function showConversation() {
  ui.startForm.hidden = true;
  ui.conversation.hidden = false;
  const active = chat.state !== 'ended';
  ui.input.disabled = ui.send.disabled = !active;
  ui.end.hidden = !active;
  ui.restart.hidden = active;
}

/** After startChat/resumeChat: the transcript so far, the routing state, a ready composer. */
function showOpenedChat() {
  ui.banner.hide();
  ui.log.clear();
  for (const message of chat.messages) ui.log.upsert(message);
  showConversation();
  setStatus(chatStatus(chat));
  video.refresh();
  if (!ui.panel.hidden) ui.input.focus();
}

async function begin(opening) {
  ui.start.disabled = true;
  ui.start.textContent = 'Connecting…';
  try {
    await opening;
    showOpenedChat();
  } catch (error) {
    const ended = error.code === 'chat_ended';
    showStartForm(ended ? 'Your previous chat has ended. Start a new one any time.' : greeting);
    if (!ended) ui.banner.show(error);
  } finally {
    ui.start.disabled = false;
    ui.start.textContent = 'Start chat';
  }
}

ui.launcher.addEventListener('click', openPanel);
ui.minimize.addEventListener('click', closePanel);
ui.panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') closePanel(); });
for (const button of document.querySelectorAll('[data-open-chat]')) button.addEventListener('click', openPanel);

ui.startForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const displayName = ui.name.value.trim();
  if (!displayName) {
    ui.banner.show({ code: 'display_name_required', message: '' });
    ui.name.focus();
    return;
  }
  ui.banner.hide();
  begin(chat.startChat({ displayName }));
});

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.input.value;
  if (!text.trim() || ui.input.disabled) return;
  ui.input.value = '';
  fitInput();
  const pending = ui.log.addPending(text, chat.displayName);
  chat.sendText(text).then(pending.confirm, (error) => {
    pending.fail(describeError(error).title);
    ui.banner.show(error);
  });
});

ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});

function fitInput() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight + 2, 120)}px`;
}
ui.input.addEventListener('input', fitInput);

ui.end.addEventListener('click', () => {
  ui.end.disabled = true;
  chat.endChat().catch((error) => ui.banner.show(error)).finally(() => { ui.end.disabled = false; });
});

ui.restart.addEventListener('click', () => {
  ui.log.clear();
  ui.banner.hide();
  showStartForm();
  ui.start.focus();
});

chat.on('message', (message) => {
  ui.log.upsert(message);
  if (ui.panel.hidden && message.from !== 'customer') ui.launcher.dataset.unread = '';
});
chat.on('resync', ({ messages }) => ui.log.replaceAll(messages));
chat.on('routing', (routing) => setStatus(routingStatus(routing, chat.agentName)));
// Joins, departures and the end are written into the transcript by the server as system messages;
// the status line says the same live, so nothing is added to the log here (no doubled lines).
chat.on('agentJoined', ({ agentName }) => setStatus({ text: `${agentName || 'An agent'} joined` }));
chat.on('agentLeft', (event) => setStatus({ text: agentLeftNotice(event) }));
chat.on('chatEnded', ({ by }) => {
  setStatus({ text: chatEndedNotice(by) });
  showConversation();
  ui.restart.focus();
});
chat.on('error', (error) => ui.banner.show(error));
chat.on('connection', ({ state, attempt, restart }) => {
  const active = chat.state === 'queued' || chat.state === 'connected';
  const trouble = active && state === 'reconnecting' && !restart; // a node restarting is no trouble of theirs
  ui.connection.dataset.state = state; // connecting | open | reconnecting | closed
  ui.connection.hidden = !trouble;
  ui.connection.textContent = trouble && attempt > 2 ? 'Reconnecting… (still trying)' : 'Reconnecting…';
});

// A reload in the middle of a chat comes back to it, with the whole conversation.
if (chat.hasSavedSession()) {
  openPanel();
  ui.startForm.hidden = true;
  ui.conversation.hidden = false;
  setStatus({ text: 'Reconnecting to your chat…' });
  begin(chat.resumeChat());
}

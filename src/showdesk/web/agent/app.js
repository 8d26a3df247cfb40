// Agent desktop: sign in, then one agent socket drives presence, offers and the chats on screen.

import { apiGet, clearStaffSession, loadStaffSession } from '/static/staff-session.js';
import { loginForm } from '/static/login-form.js';
import { adoptChatLogStyles } from '/static/chat-log-styles.js';
import { passwordChangePending, wireChangePassword } from '/static/change-password.js';
import { ErrorBanner } from '/static/banner.js';
import { describeError } from '/static/error-text.js';
import { AgentConnection } from './connection.js';
import { PresenceControl } from './presence.js';
import { WorkAlerts } from './alerts.js';
import { OfferAlerts } from './offers.js';
import { InteractionBoard } from './interactions.js';
import { preferOwnDevices } from './video.js';
import { StatusStrip } from './status-strip.js';
import { StaffPhotos } from './photos.js';
import { Annotator } from './annotator.js';
import { CannedResponses } from './canned.js';
import { WorkApi } from './work-api.js';
import { TransferDialog } from './transfer.js';

const $ = (selector) => document.querySelector(selector);
adoptChatLogStyles(document);
// Words for the agent, and the server's sentence when it adds something; never a code (those are for programs).
const banner = new ErrorBanner($('[data-testid="error-banner"]'), {
  describe: (error) => describeError(error, { codes: false }),
});
const views = { login: $('#login-view'), desktop: $('#desktop-view') };
let connection = null;
let session = null;
let photos = null; // the signed-in agent's access to the chats' photos
let canned = null; // ... and to their canned responses
let work = null; // ... and to transfer and wrap-up
const transfer = new TransferDialog(document.body);

const login = loginForm(views.login, {
  product: 'Agent',
  title: 'Sign in to take chats',
  demo: [['agent@demo.local', 'agent']],
  banner,
  onSignedIn: openDesktop,
});

const presence = new PresenceControl({
  pill: $('#presence-status'),
  toggle: $('[data-testid="presence-on-queue"]'),
  notice: $('#not-responding-notice'),
  onChange: (status) => connection?.setPresence(status),
});

const alerts = new WorkAlerts();
$('[data-testid="presence-on-queue"]').addEventListener('click', () => alerts.prepare());

const offers = new OfferAlerts($('#offers'), $('#offer-template'), {
  onAccept: (conversationId) => connection?.accept(conversationId),
  onDecline: (conversationId) => connection?.decline(conversationId),
  onCountChange: (count) => { alerts.offers = count; },
  onArrival: (offer, focus) => alerts.offer(offer, focus),
});
document.addEventListener('keydown', (event) => {
  if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyA') {
    event.preventDefault();
    offers.acceptFirst();
  }
});

const annotator = new Annotator($('#annotator'), {
  send: (conversationId, photo, blob, caption, clientId) => (photos
    ? photos.sendAnnotation(conversationId, photo, blob, caption, clientId)
    : Promise.reject(new Error('Not signed in'))),
});

const board = new InteractionBoard($('#interactions'), $('#interaction-template'), $('#empty-state'), {
  onSend: (conversationId, text) => (connection
    ? connection.sendText(conversationId, text)
    : Promise.reject(new Error('Not connected'))),
  onEnd: (conversationId) => connection?.end(conversationId),
  onTyping: (conversationId, active) => connection?.typing(conversationId, active),
  onSeen: (conversationId, upTo) => connection?.seen(conversationId, upTo) ?? false,
  onUnreadChange: (count) => { alerts.unread = count; },
  sendFrame: (frame) => connection?.sendVideo(frame),
  canned: () => canned,
  work: () => work,
  onTransfer: (conversationId, options) => transfer.open(conversationId, options),
  customer: (conversationId) => (session
    ? apiGet(`/api/v2/conversations/${encodeURIComponent(conversationId)}/customer`, session.token)
    : Promise.reject(new Error('Not signed in'))),
  photos: {
    load: (photo) => (photos ? photos.load(photo) : Promise.reject(new Error('Not signed in'))),
    loadStill: (photo) => (photos ? photos.loadUncached(photo) : Promise.reject(new Error('Not signed in'))),
    saveFrame: (conversationId, blob, clientId) => (photos
      ? photos.sendAnnotation(conversationId, null, blob, null, clientId)
      : Promise.reject(new Error('Not signed in'))),
    annotate: (conversationId, photo, url) => {
      annotator.open(conversationId, photo, url).catch((error) => banner.show(error));
    },
  },
});

const strip = new StatusStrip($('#status-strip'), { onRetry: () => connection?.reconnectNow() });

// Signing out with open chats sends them back to the queue: the agent is asked first.
const signOutDialog = $('#sign-out-dialog');
function signOut() {
  clearStaffSession();
  showLogin();
}
$('#sign-out').addEventListener('click', () => {
  const open = board.openCount();
  if (open === 0) return signOut();
  $('#sign-out-words').textContent = open === 1
    ? 'You have an open chat. If you sign out now, it goes back to the queue for another agent, and the customer waits.'
    : `You have ${open} open chats. If you sign out now, they go back to the queue for other agents, and the customers wait.`;
  signOutDialog.returnValue = '';
  signOutDialog.showModal();
  return undefined;
});
signOutDialog.addEventListener('close', () => {
  if (signOutDialog.returnValue === 'leave') signOut();
  else $('#sign-out').focus();
});

// A new password ends every earlier token, this desktop's socket's too: it reconnects with the fresh one.
wireChangePassword($('[data-testid="change-password"]'), {
  token: () => session?.token,
  onChanged: (changed) => openDesktop(changed),
  onSignedOut: (error) => {
    clearStaffSession();
    showLogin(error);
  },
});

function showLogin(error) {
  connection?.close();
  connection = null;
  session = null;
  photos?.forget();
  photos = null;
  canned = null;
  work = null;
  transfer.api = null;
  annotator.close();
  board.clear();
  offers.replaceAll([]);
  views.desktop.hidden = true;
  views.login.hidden = false;
  if (error) banner.show(error);
  login.focus();
}

function openDesktop(signedIn) {
  session = signedIn;
  banner.hide();
  const fromLogin = !views.desktop.contains(document.activeElement); // not a password change on the desktop
  views.login.hidden = true;
  views.desktop.hidden = false;
  if (fromLogin) $('#presence-toggle').focus(); // signed in: going on queue is the first thing to do
  setAgent(session.user);
  connection?.close();
  photos?.forget();
  photos = new StaffPhotos(session.token);
  canned = new CannedResponses(session.token);
  work = new WorkApi(session.token);
  transfer.api = work;
  const conn = new AgentConnection({ token: session.token });
  connection = conn;
  // Only the current connection speaks; while a password change is on its way, the old token's end is no sign-out.
  const replaced = (error) => conn !== connection || (passwordChangePending() && error?.code === 'token_revoked');
  const on = (event, fn) => conn.on(event, fn);

  on('connection', (event) => strip.show(event));
  on('ready', ({ agent, presence: status, interactions, offers: pending }) => {
    if (agent) setAgent(agent);
    board.setPermissions(agent?.permissions ?? []);
    preferOwnDevices(agent ?? {});
    applyPresence(status);
    board.reconcile(interactions ?? []);
    offers.replaceAll((pending ?? []).filter((offer) => !board.has(offer.conversationId)));
  });
  on('presence', ({ status }) => applyPresence(status));
  on('offer', (offer) => offers.show(offer));
  on('offerRevoked', ({ conversationId }) => offers.remove(conversationId));
  on('interaction', (interaction) => {
    offers.remove(interaction.conversationId);
    board.upsert(interaction);
  });
  on('customerPresence', ({ conversationId, status }) => {
    board.customerPresence(conversationId, status);
    offers.customerPresence(conversationId, status);
  });
  on('message', (message) => {
    board.addMessage(message.conversationId, message);
    offers.addMessage(message.conversationId, message);
  });
  on('typing', (frame) => board.typing(frame));
  on('seen', (frame) => board.seen(frame));
  for (const type of ['videoRequested', 'videoStarting', 'videoSignal', 'videoStarted', 'videoHeld',
    'videoResumed', 'videoEnd', 'videoRetrying', 'videoProblem', 'videoPreference', 'videoPhotoRequested',
    'videoPhotoFailed', 'videoMark', 'videoMarksCleared', 'videoPhotoMode', 'videoStill',
    'monitorRequested', 'monitorSignal', 'monitorEnded']) {
    on(type, (frame) => board.videoFrame(frame));
  }
  on('interactionEnded', ({ conversationId, by }) => {
    offers.remove(conversationId);
    board.markEnded(conversationId, by);
  });
  on('error', (error) => {
    if (replaced(error)) return;
    if (error.ref === 'accept' || error.ref === 'decline') offers.enableAll();
    if (error.ref === 'end') board.enableEndButtons();
    if (error.ref === 'presence') presence.set(presence.status);
    if (error.ref?.startsWith?.('video')) board.videoRefused();
    banner.show(error);
  });
  on('signedOut', (error) => {
    if (replaced(error)) return;
    clearStaffSession();
    showLogin(error);
  });
  conn.connect();
}

function applyPresence(status) {
  // `ready` may carry the presence as a bare status or as a {status} object.
  presence.set(typeof status === 'object' && status ? status.status : status);
  $('#empty-hint').textContent = presence.isOnQueue
    ? 'You are on queue. New chats appear here as soon as a customer is routed to you.'
    : 'Go on queue to start receiving chats.';
}

function setAgent(user) {
  const name = user?.name || user?.email || 'Agent';
  $('#agent-name').textContent = name;
  $('#agent-avatar').textContent = name.trim().split(/\s+/).map((part) => part[0]).slice(0, 2).join('').toUpperCase();
}

const saved = loadStaffSession();
if (saved) openDesktop(saved);
else showLogin();

// The read-only watch panel: one live chat followed over /ws/v1/watch (the staff token as its first frame),
// its transcript so far and every new line as it comes, text by textContent only (ChatLog). There is no
// reply box: the socket refuses whatever a watcher would send, and neither the customer nor the agent is
// told. Video shows as status lines; a holder of Video > Monitor also sees the session's state and quality,
// and may ask for the live picture itself, relayed by the agent's desktop (watch-picture.js; the customer
// is told in their chat). A lost connection is tried again a few times (never a refused sign-in or
// permission), and the transcript is read afresh.
//
// Test ids: watch-panel (data-conversation-id), watch-title, watch-status, watch-video, watch-log, watch-close;
// the picture's in watch-picture.js.

import { toWebSocketUrl } from '/sdk/socket.js';
import { ChatLog } from '/static/chat-log.js';
import { adoptChatLogStyles } from '/static/chat-log-styles.js';
import { WatchPicture } from './watch-picture.js';

const PING_MS = 20_000; // the server closes a socket silent for 45 s
const RECONNECTS = 5; // after a lost connection (1 s, 2 s, 4 s, 8 s, 8 s apart), never after a refusal
const REFUSED = new Set([4401, 4403]); // the sign-in or the permission: trying again would not help
const WORDS = { you: 'You', agent: 'Agent', customer: 'Customer', sending: 'Sending…', notSent: 'Not sent' };
const VIDEO = { requested: 'asked for', connecting: 'connecting', live: 'live', held: 'on hold', ended: 'ended', failed: 'failed' };
const PICTURE_NEEDS = 'Seeing the live picture needs Video > Monitor too.';

export class WatchPanel {
  #panel;
  #token;
  #log;
  #title;
  #status;
  #video;
  #socket = null;
  #picture;
  #ping = null;
  #retry = null;
  #attempts = 0; // reconnects since the last `watching`
  #onClose;

  /** `token()`: the signed-in token now; `onClose()`: the panel was closed by its button. */
  constructor(panel, { token, onClose }) {
    this.#panel = panel;
    this.#token = token;
    this.#onClose = onClose;
    const $ = (id) => panel.querySelector(`[data-testid="${id}"]`);
    this.#title = $('watch-title');
    this.#status = $('watch-status');
    this.#video = $('watch-video');
    adoptChatLogStyles(document);
    this.#log = new ChatLog($('watch-log'), { self: 'supervisor', words: (key) => WORDS[key] ?? key });
    this.#picture = new WatchPicture($('watch-picture-area'), {
      send: (frame) => {
        if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
      },
    });
    $('watch-close').addEventListener('click', () => {
      this.close();
      this.#onClose();
    });
  }

  /** Watch `chat` ({conversationId, customerName, agentName}); another one watched before is let go. */
  open(chat) {
    this.close();
    this.#panel.dataset.conversationId = chat.conversationId;
    this.#title.textContent = `Watching ${chat.customerName || 'a customer'} with ${chat.agentName || 'an agent'}`;
    this.#say('Connecting…');
    this.#video.textContent = '';
    this.#log.clear();
    this.#panel.hidden = false;
    this.#title.focus();
    this.#attempts = 0;
    this.#connect(chat.conversationId);
  }

  #connect(conversationId) {
    const url = toWebSocketUrl(location.origin, '/ws/v1/watch', { conversationId });
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'auth', token: this.#token() }));
      this.#ping = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), PING_MS);
    });
    socket.addEventListener('message', (event) => {
      if (socket === this.#socket) this.#frame(JSON.parse(event.data));
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.#socket) return;
      clearInterval(this.#ping);
      this.#picture.reset();
      if (event.code === 1000 && event.reason === 'chat_ended') this.#say('The chat has ended.');
      else if (this.#status.dataset.error || REFUSED.has(event.code)) {
        if (!this.#status.dataset.error) this.#say('No longer watching: the connection closed.');
      } else if (this.#attempts < RECONNECTS) {
        // A node restarting or the network dropping: the same chat again, its transcript read afresh.
        const delay = Math.min(1000 * 2 ** this.#attempts, 8000);
        this.#attempts += 1;
        this.#say('The connection was lost; reconnecting…');
        this.#retry = setTimeout(() => {
          if (this.#socket === socket) this.#connect(conversationId);
        }, delay);
      } else this.#say('No longer watching: the connection closed.');
    });
  }

  close() {
    this.#picture.reset();
    clearTimeout(this.#retry);
    clearInterval(this.#ping);
    const socket = this.#socket;
    this.#socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    this.#panel.hidden = true;
    delete this.#panel.dataset.conversationId;
  }

  #say(text, error = false) {
    this.#status.textContent = text;
    if (error) this.#status.dataset.error = 'true';
    else delete this.#status.dataset.error;
  }

  #frame(frame) {
    if (this.#picture.onFrame(frame)) return;
    switch (frame.type) {
      case 'watching':
        this.#attempts = 0;
        this.#say('Watching live, read-only: nobody in the chat is told that you read it.');
        this.#log.replaceAll(frame.messages);
        this.#showVideo(frame.videoMonitor, frame.video);
        break;
      case 'message':
        this.#log.upsert(frame);
        break;
      case 'chatEnded':
        this.#say('The chat has ended.');
        break;
      case 'error': // the sign-in or the chat refused; nothing else this panel sends can fail but the picture's
        if (frame.ref === 'auth') this.#say(`Not watching: ${frame.message}`, true);
        break;
      default:
        if (frame.type?.startsWith('video') && frame.video) {
          this.#log.addNotice(frame.text || `Video ${VIDEO[frame.video.state] ?? frame.video.state}.`);
          if (this.#video.dataset.monitor === 'true') this.#showVideo(true, frame.video);
        }
    }
  }

  /** What the watcher may know of the chat's video, in words, and whether its picture may be asked for. */
  #showVideo(monitor, video) {
    this.#video.dataset.monitor = String(Boolean(monitor));
    this.#picture.update(monitor, video?.state ?? null);
    if (!monitor) {
      this.#video.textContent = 'Video starting and ending shows in the transcript. Seeing a video session’s '
        + `state and quality needs the permission Video > Monitor (video:monitor). ${PICTURE_NEEDS}`;
      return;
    }
    const q = video?.quality;
    const state = video ? `Video: ${VIDEO[video.state] ?? video.state}${video.path ? `, ${video.path}` : ''}` : 'No video now';
    const quality = q ? `; ${q.width}×${q.height} at ${Math.round(q.fps)} fps, ${Math.round(q.kbps)} kbit/s` : '';
    this.#video.textContent = `${state}${quality}.`;
  }
}

// The video pane of one chat on the agent desktop: request, the customer's live picture, hold,
// resume, end, full screen, and the state in words. In one-way mode the desktop answers receive-only
// and never touches its own camera; in two-way mode it sends the agent's default camera and microphone.

import { PICTURE_LIMITS, PictureWatch, PROBLEM_WORDS } from './picture-watch.js';
import { LiveMarks } from './live-marks.js';
import { MonitorRelays } from './monitor-relay.js';
import { PhotoCapture } from './photo-capture.js';
import { QualityPanel } from './quality-panel.js';
import { mediaPath, qualityBetween, readVideoStats } from './video-stats.js';

const QUALITY_REPORT_EVERY = 2; // readings (one a second): the server hears the quality every 2 s

// The customer's side leads a retry; this side gives up on its own only if nothing happens for this long.
const FAILED_GRACE_MS = 15000;

const RETRY_WORDS = {
  relay: "The customer's network blocks direct video; trying a relay…",
  restart: "The customer's network changed; reconnecting…",
};

// Which device sends the video (the session's `device`), as the pane says it.
const DEVICE_WORDS = { phone: 'phone', tablet: 'tablet', computer: 'computer' };

// The full-screen bar's buttons and the pane's buttons they stand for.
const FULL_SCREEN_COPIES = [['stageHold', 'hold'], ['stageResume', 'resume'], ['stageCapture', 'capture'], ['stageEnd', 'end']];

// Where focus goes when the focused control goes away: the first of the others that can be used.
const FOCUS_NEXT = [
  ['hold', 'resume', 'end'],
  ['resume', 'hold', 'end'],
  ['end', 'request', 'suggestPhone'],
  ['request', 'end'],
  ['photosOn', 'photosOff', 'end'],
  ['photosOff', 'photosOn', 'end'],
];

const STATE_WORDS = {
  idle: '',
  requested: 'Waiting for the customer to share their camera…',
  connecting: 'Connecting…',
  live: 'Live',
  held: 'On hold: the customer is sending nothing.',
  ended: 'Video ended.',
  failed: 'Video failed.',
};

// The agent's video settings from the directory (default camera and microphone), for two-way video.
const ownDevices = { camera: '', microphone: '' };

export function preferOwnDevices({ defaultCamera = '', defaultMicrophone = '' } = {}) {
  ownDevices.camera = defaultCamera;
  ownDevices.microphone = defaultMicrophone;
}

async function ownDeviceConstraints() {
  const video = ownDevices.camera ? { facingMode: { ideal: ownDevices.camera } } : true;
  let audio = true;
  if (ownDevices.microphone) {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
    const wanted = ownDevices.microphone.toLowerCase();
    const mic = devices.find((d) => d.kind === 'audioinput' && d.label.toLowerCase().includes(wanted));
    if (mic) audio = { deviceId: { ideal: mic.deviceId } };
  }
  return { video, audio };
}

export class VideoPane {
  state = 'idle';
  session = null;
  #send;
  #ui;
  #pc = null;
  #signals = Promise.resolve(); // the customer's signals, handled in the order they came
  #ownTracks = [];
  #pendingCandidates = [];
  #canAnswer = false;
  #canHold = false;
  #capable = false;
  #chatActive = true;
  #watchedSession = null; // the session whose first frame is being waited for
  #attemptNo = 0; // the customer's connection attempt (1 after the relay retry); signals carry it
  #picture = null; // PictureWatch once connected
  #notice = null; // words about the connection or the picture, over the state's own
  #reconnecting = false;
  #failTimer = null;
  #reportedPath = null;
  #sampler = null; // one getStats reading a second while connected: picture watch, quality, path
  #lastReading = null;
  #readings = 0;
  #quality;
  #photo;
  #marks;
  #relays; // supervisors who see the picture through this desktop
  #loadStill; // (photo) => an object URL of a photo-mode still
  #stillUrl = null; // the still shown, revoked when the next replaces it
  #stillNumber = 0;

  /** `send(frame)` writes to the agent socket; `element` is the chat's card. */
  constructor(element, conversationId, { send, saveFrame, loadStill = () => Promise.reject(new Error('no photos')) }) {
    this.#loadStill = loadStill;
    this.conversationId = conversationId;
    this.#send = (frame) => send({ ...frame, conversationId });
    const $ = (id) => element.querySelector(`[data-testid="${id}"]`);
    this.#marks = new LiveMarks($, {
      send: (frame) => this.#send(frame),
      save: saveFrame,
      onWords: (words) => {
        this.#notice = words;
        this.#render();
      },
    });
    this.#ui = {
      pane: element.querySelector('.interaction__video'),
      stage: element.querySelector('.interaction__stage'),
      remote: $('remote-video'),
      self: $('self-video'),
      status: $('video-status'),
      words: $('video-words'),
      request: $('request-video'),
      suggestPhone: $('suggest-phone'),
      device: $('video-device'),
      capture: $('capture-photo'),
      hold: $('video-hold'),
      resume: $('video-resume'),
      end: $('end-video'),
      holdNote: $('video-hold-note'),
      still: $('video-still'),
      stillNote: $('video-still-note'),
      photosOn: $('photo-mode-on'),
      photosOff: $('photo-mode-off'),
      stageLine: $('stage-latest-line'),
      stageHold: $('stage-hold'),
      stageResume: $('stage-resume'),
      stageCapture: $('stage-capture'),
      stageEnd: $('stage-end'),
      stageExit: $('stage-exit'),
      fullscreen: $('video-fullscreen'),
      quality: $('quality-panel'),
      detail: $('mode-detail'),
      smooth: $('mode-smooth'),
      cameraSwitch: $('camera-switch'),
      torch: $('camera-torch'),
      zoomIn: $('camera-zoom-in'),
      zoomOut: $('camera-zoom-out'),
    };
    this.#quality = new QualityPanel(this.#ui.quality);
    this.#relays = new MonitorRelays({ send: (frame) => this.#send(frame), line: $('video-monitored') });
    this.#photo = new PhotoCapture(this.#ui.capture, {
      send: (frame) => this.#send(frame),
      onWords: (words) => {
        if (words) this.#notice = words;
        this.#render();
      },
    });
    const ui = this.#ui;
    ui.request.addEventListener('click', () => {
      ui.request.disabled = true;
      this.#send({ type: 'videoRequest' });
    });
    ui.suggestPhone.addEventListener('click', () => {
      ui.suggestPhone.disabled = true; // once is enough; the customer's widget now offers the phone
      this.#send({ type: 'suggestPhone' });
    });
    ui.hold.addEventListener('click', () => this.#send({ type: 'videoHold' }));
    ui.photosOn.addEventListener('click', () => this.#send({ type: 'videoPhotoMode', on: true }));
    ui.photosOff.addEventListener('click', () => this.#send({ type: 'videoPhotoMode', on: false }));
    ui.detail.addEventListener('click', () => this.#send({ type: 'videoPreference', preference: 'detail' }));
    ui.smooth.addEventListener('click', () => this.#send({ type: 'videoPreference', preference: 'smooth' }));
    // Camera requests: the customer sees each one and their device does what it can; the transcript keeps both.
    const camera = (action, value = null) => this.#send({ type: 'videoCamera', action, value });
    ui.cameraSwitch.addEventListener('click', () => camera('switch'));
    ui.torch.addEventListener('click', () => {
      const on = ui.torch.getAttribute('aria-pressed') !== 'true';
      ui.torch.setAttribute('aria-pressed', String(on));
      camera('torch', on);
    });
    ui.zoomIn.addEventListener('click', () => camera('zoom', 'in'));
    ui.zoomOut.addEventListener('click', () => camera('zoom', 'out'));
    ui.resume.addEventListener('click', () => this.#send({ type: 'videoResume' }));
    ui.end.addEventListener('click', () => this.#send({ type: 'videoEnd' }));
    ui.fullscreen.addEventListener('click', () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else ui.stage.requestFullscreen?.().then(() => (ui.stageHold.hidden ? ui.stageExit : ui.stageHold).focus());
    });
    // In full screen the bar's buttons do what the pane's do (the pane is not on screen then).
    for (const [copy, original] of FULL_SCREEN_COPIES) ui[copy].addEventListener('click', () => ui[original].click());
    ui.stageExit.addEventListener('click', () => document.exitFullscreen?.());
    this.#render();
  }

  /** The chat's latest line, shown over the picture in full screen. */
  showLine(message) {
    if (!message?.text || message.from === 'system') return;
    this.#ui.stageLine.textContent = `${message.displayName || (message.from === 'agent' ? 'You' : 'Customer')}: ${message.text}`;
  }

  /** What this agent may do and whether the chat came through a Start Video block. */
  configure({ permissions = [], video = null }) {
    this.#canAnswer = permissions.includes('video:answer');
    this.#canHold = permissions.includes('video:hold');
    this.#capable = Boolean(video);
    this.#render();
  }

  /** The server refused the last request (its error names no chat): let the agent try again. */
  requestRefused() {
    if (this.#photo.pending) this.#photo.reset();
    if (this.state === 'idle' || this.state === 'ended' || this.state === 'failed') this.#render();
  }

  /** A photo showed up in the chat (the customer's still, or a marked-up copy). */
  photoArrived(photo) {
    this.#photo.arrived(photo);
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'videoRequested': return this.#set('requested', frame);
      case 'videoStarting': return this.#onStarting(frame);
      case 'videoSignal': // one at a time, in order: an ICE restart's offer waits for the answer before it
        this.#signals = this.#signals.then(() => this.#onSignal(frame));
        return this.#signals;
      case 'videoStarted': return this.#set('live', frame);
      case 'videoHeld': return this.#set('held', frame);
      case 'videoResumed': return this.#set('live', frame);
      case 'videoEnd': return this.#onEnd(frame);
      case 'videoRetrying': return this.#onRetrying(frame);
      case 'videoPreference': return this.#set(this.state, frame);
      case 'videoPhotoMode': return this.#onPhotoMode(frame);
      case 'videoStill': return this.#showStill(frame);
      case 'videoPhotoRequested': return this.#photo.requested(frame);
      case 'videoPhotoFailed': return this.#photo.failed(frame);
      case 'videoMark':
      case 'videoMarksCleared': return this.#marks.onFrame(frame);
      case 'monitorRequested':
      case 'monitorSignal':
      case 'monitorEnded': return this.#relays.onFrame(frame);
      default: return undefined;
    }
  }

  /** Photo mode offered (the server saw the picture stay too poor to read detail), on or off. */
  #onPhotoMode(frame) {
    if (frame.video?.id !== this.session?.id) return;
    this.session = frame.video;
    this.#notice = { on: 'Photo mode: waiting for the first photo…', offered: frame.text, declined: frame.text }[
      frame.state] ?? null;
    if (frame.state !== 'on') this.#dropStill();
    this.#render(frame.text);
  }

  /** The customer's next still: shown over the paused live picture, with its number and time. */
  async #showStill(frame) {
    if (frame.video?.id !== this.session?.id || !frame.photo) return;
    this.session = frame.video;
    const number = frame.number ?? 0;
    let url;
    try {
      url = await this.#loadStill(frame.photo);
    } catch {
      return; // replaced meanwhile (the server keeps the latest only): the next one shows
    }
    if (number < this.#stillNumber || !this.session?.photoMode) {
      URL.revokeObjectURL(url);
      return;
    }
    const ui = this.#ui;
    const before = this.#stillUrl;
    this.#stillUrl = url;
    this.#stillNumber = number;
    ui.still.src = url;
    ui.still.dataset.number = String(number);
    if (before) URL.revokeObjectURL(before);
    const at = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    ui.stillNote.textContent = `Photo ${number} (${frame.photo.width} x ${frame.photo.height}), received ${at}`;
    this.#notice = 'Photo mode: a sharp photo every few seconds instead of live video.';
    this.#render();
  }

  #dropStill() {
    if (this.#stillUrl) URL.revokeObjectURL(this.#stillUrl);
    this.#stillUrl = null;
    this.#stillNumber = 0;
    this.#ui.still.removeAttribute('src');
    delete this.#ui.still.dataset.number;
    this.#ui.stillNote.textContent = '';
  }

  /** The chat ended: the video is gone with it. */
  chatEnded() {
    this.#chatActive = false;
    this.#teardown();
    if (this.state !== 'idle' && this.state !== 'failed') this.state = 'ended';
    this.#render();
  }

  #onStarting(frame) {
    this.#teardown();
    this.session = frame.video;
    this.#attemptNo = 0;
    this.#newPeer(frame.iceServers ?? []);
    this.#set('connecting', frame);
  }

  /** The customer's side tries again, with fresh ICE servers: a new connection, or an ICE restart. */
  #onRetrying(frame) {
    if (!this.#pc || frame.video?.id !== this.session?.id) return;
    this.session = frame.video;
    this.#notice = RETRY_WORDS[frame.how] ?? frame.text;
    if (frame.how === 'relay') {
      this.#attemptNo += 1;
      this.#closePeer();
      for (const track of this.#ownTracks.splice(0)) track.stop(); // two-way: taken again for the new connection
      this.#newPeer(frame.iceServers ?? []);
    } else if (frame.how === 'restart') {
      this.#reconnecting = true;
      this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers: frame.iceServers ?? [] });
    }
    this.#render();
  }

  #newPeer(iceServers) {
    const pc = new RTCPeerConnection({ iceServers });
    this.#pc = pc;
    pc.ontrack = ({ track, streams }) => {
      if (track.kind !== 'video' && !streams.length) return;
      const stream = streams[0] ?? new MediaStream([track]);
      if (this.#ui.remote.srcObject !== stream) this.#ui.remote.srcObject = stream;
      if (track.kind === 'video') this.#relays.useTrack(track);
      this.#watchFirstFrame(pc);
    };
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.#pc) return;
      this.#signal({ signal: 'candidate', candidate: candidate ? candidate.toJSON() : null });
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.#pc) return;
      if (pc.connectionState === 'connected') this.#onConnected(pc);
      else if (pc.connectionState === 'failed') this.#onFailed(pc);
    };
  }

  #onConnected(pc) {
    clearTimeout(this.#failTimer);
    this.#startSampling(pc);
    if (this.#reconnecting) {
      this.#reconnecting = false;
      this.#notice = null;
      this.#render();
      this.#reportPath(pc); // a restart may have moved the media to (or off) the relay
    }
    this.#picture ??= new PictureWatch(this.#ui.remote, {
      paused: () => this.state === 'held' || this.#reconnecting || pc.iceConnectionState === 'disconnected'
        || Boolean(this.session?.photoMode), // stills instead of frames
      problem: (cause) => {
        this.#notice = PROBLEM_WORDS[cause];
        this.#render();
        this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'problem', cause });
      },
      cleared: () => {
        this.#notice = null;
        this.#render();
      },
      giveUp: (reason) => this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'failed', reason }),
    });
  }

  /** The customer's side retries or gives up in words; only if it stays silent does this side end it. */
  #onFailed(pc) {
    clearTimeout(this.#failTimer);
    if (this.session?.photoMode) return; // the stills need no connection; the customer's side restarts it after
    this.#failTimer = setTimeout(() => {
      if (pc === this.#pc && pc.connectionState === 'failed') {
        this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'failed', reason: 'ice_failed' });
      }
    }, FAILED_GRACE_MS);
  }

  async #onSignal(frame) {
    const pc = this.#pc;
    if (!pc || frame.sessionId !== this.session?.id || (frame.attempt ?? 0) !== this.#attemptNo) return;
    try {
      if (frame.signal === 'offer') {
        const renegotiation = Boolean(pc.currentLocalDescription); // an ICE restart: same media
        await pc.setRemoteDescription({ type: 'offer', sdp: frame.sdp });
        if (renegotiation) { /* keep the directions and tracks already agreed */ }
        else if (this.session.mode === 'two-way') await this.#sendOwnCamera(pc);
        else for (const transceiver of pc.getTransceivers()) transceiver.direction = 'recvonly';
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc !== this.#pc) return;
        this.#signal({ signal: 'answer', sdp: pc.localDescription.sdp });
        for (const candidate of this.#pendingCandidates.splice(0)) await pc.addIceCandidate(candidate);
      } else if (frame.signal === 'candidate') {
        const candidate = frame.candidate ?? undefined;
        if (pc.remoteDescription) await pc.addIceCandidate(candidate);
        else this.#pendingCandidates.push(candidate);
      }
    } catch (error) {
      // The server says it in words of its own; the browser's message stays in the console for support.
      console.warn('video negotiation failed', error);
      this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'failed', reason: 'negotiation_failed' });
    }
  }

  /** Two-way: the agent's default camera and microphone go on the customer's transceivers. */
  async #sendOwnCamera(pc) {
    const { video, audio } = await ownDeviceConstraints();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video, audio });
    } catch {
      stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    }
    if (pc !== this.#pc) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.#ownTracks = stream.getTracks();
    this.#ui.self.srcObject = stream;
    for (const transceiver of pc.getTransceivers()) {
      const track = stream.getTracks().find((t) => t.kind === transceiver.receiver.track.kind);
      if (track) {
        await transceiver.sender.replaceTrack(track);
        transceiver.direction = 'sendrecv';
      } else {
        transceiver.direction = 'recvonly';
      }
    }
  }

  /** The first rendered frame is what "live" means; the server records whether it came direct or relayed. */
  #watchFirstFrame(pc) {
    const video = this.#ui.remote;
    if (this.#watchedSession === this.session.id) return;
    this.#watchedSession = this.session.id;
    const report = () => this.#reportPath(pc);
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(() => report());
    else video.addEventListener('loadeddata', () => report(), { once: true });
  }

  async #reportPath(pc) {
    if (pc !== this.#pc) return;
    const path = await mediaPath(pc);
    if (pc !== this.#pc) return;
    this.#reportedPath = path;
    this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'live', ...(path ? { path } : {}) });
  }

  /** One reading a second while connected feeds the picture watch, the quality panel and the server. */
  #startSampling(pc) {
    if (this.#sampler) return;
    let busy = false;
    this.#sampler = setInterval(async () => {
      if (busy || pc !== this.#pc) return;
      busy = true;
      try {
        this.#sample(pc, await readVideoStats(pc));
      } finally {
        busy = false;
      }
    }, PICTURE_LIMITS.intervalMs);
  }

  #sample(pc, reading) {
    if (pc !== this.#pc) return;
    this.#picture?.observe(reading);
    const quality = qualityBetween(this.#lastReading, reading);
    this.#lastReading = reading;
    // The media may move between direct and relay (an ICE restart, or ICE switching pairs by itself);
    // the first frame reports the first path.
    if (reading.path && reading.path !== this.#reportedPath && this.state !== 'connecting') this.#reportPath(pc);
    if (!quality || !quality.width || this.state === 'held' || this.session?.photoMode) return;
    this.#quality.show(quality);
    this.#readings += 1;
    if (this.#readings % QUALITY_REPORT_EVERY === 0 && this.state === 'live') {
      this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'quality', quality });
    }
  }

  #onEnd(frame) {
    this.#teardown();
    this.#photo.reset();
    const failed = frame.video?.outcome === 'failed';
    this.#set(failed ? 'failed' : 'ended', frame);
  }

  #teardown() {
    this.#relays.closeAll();
    this.#dropStill();
    this.#closePeer();
    this.#attemptNo = 0;
    this.#notice = null;
    for (const track of this.#ownTracks) track.stop();
    this.#ownTracks = [];
    this.#ui.remote.srcObject = null;
    this.#ui.self.srcObject = null;
    if (document.fullscreenElement === this.#ui.stage) document.exitFullscreen();
  }

  /** The connection only: the pane, the picture element and the session stay (a relay retry follows). */
  #closePeer() {
    clearTimeout(this.#failTimer);
    clearInterval(this.#sampler);
    this.#sampler = null;
    this.#lastReading = null;
    this.#readings = 0;
    this.#quality.clear();
    this.#reportedPath = null;
    this.#picture?.stop();
    this.#picture = null;
    this.#reconnecting = false;
    this.#watchedSession = null;
    this.#pc?.close();
    this.#pc = null;
    this.#pendingCandidates = [];
  }

  #signal(fields) {
    this.#send({ type: 'videoSignal', sessionId: this.session.id, attempt: this.#attemptNo, ...fields });
  }

  #set(state, frame) {
    this.state = state;
    if (frame?.video) this.session = frame.video;
    this.#render(frame?.text ?? null);
  }

  #render(text = null) {
    const focused = FOCUS_NEXT.find(([name]) => this.#ui[name] === document.activeElement);
    this.#draw(text);
    if (focused) this.#moveFocus(focused);
  }

  /** The control that had focus went away (Hold became Resume, End video became Request video again):
   * focus goes on to the control that does the next thing, rather than to the start of the page. */
  #moveFocus([name, ...next]) {
    if (!this.#ui[name].hidden && !this.#ui[name].disabled) return;
    const target = next.map((other) => this.#ui[other]).find((button) => !button.hidden && !button.disabled);
    target?.focus();
  }

  #draw(text = null) {
    const ui = this.#ui;
    const { state } = this;
    const open = state === 'connecting' || state === 'live' || state === 'held';
    const pending = state === 'requested';
    ui.pane.hidden = !(this.#capable && this.#canAnswer) && state === 'idle';
    ui.pane.dataset.state = state;
    ui.status.textContent = state;
    const over = state === 'failed' || state === 'ended';
    ui.words.textContent = over ? (text || STATE_WORDS[state]) : (this.#notice ?? STATE_WORDS[state]);
    ui.pane.dataset.problem = over ? '' : (this.#picture?.problem ?? '');
    ui.request.hidden = !(this.#canAnswer && this.#capable);
    ui.request.disabled = !this.#chatActive || open || pending;
    ui.request.textContent = state === 'ended' || state === 'failed' ? 'Request video again' : 'Request video';
    ui.suggestPhone.hidden = !(this.#canAnswer && this.#capable) || !this.#chatActive || open;
    const device = DEVICE_WORDS[this.session?.device];
    ui.device.hidden = !(device && (open || over));
    ui.device.textContent = device ? `Video from the customer's ${device}` : '';
    ui.hold.hidden = !(this.#canHold && state === 'live');
    this.#photo.render(this.#canAnswer && state === 'live');
    const adjustable = this.#canAnswer && (state === 'live' || state === 'held' || state === 'connecting');
    const preference = this.session?.preference ?? 'detail';
    const steerable = this.#canAnswer && (state === 'live' || state === 'held');
    for (const button of [ui.cameraSwitch, ui.torch, ui.zoomIn, ui.zoomOut]) button.hidden = !steerable;
    if (!steerable) ui.torch.setAttribute('aria-pressed', 'false');
    for (const [button, name] of [[ui.detail, 'detail'], [ui.smooth, 'smooth']]) {
      button.hidden = !adjustable;
      button.setAttribute('aria-pressed', String(preference === name));
    }
    ui.resume.hidden = !(this.#canHold && state === 'held');
    ui.end.hidden = !(this.#canAnswer && (open || pending));
    ui.holdNote.hidden = state !== 'held';
    const photos = open && Boolean(this.session?.photoMode);
    ui.still.hidden = !(photos && this.#stillUrl);
    ui.stillNote.hidden = ui.still.hidden;
    ui.photosOn.hidden = !(this.#canAnswer && state === 'live' && !photos);
    ui.photosOff.hidden = !(this.#canAnswer && photos);
    this.#marks.render(this.#canAnswer && (state === 'live' || state === 'held'));
    for (const [copy, original] of FULL_SCREEN_COPIES) {
      ui[copy].hidden = ui[original].hidden;
      ui[copy].disabled = ui[original].disabled;
    }
    // The stage opens with the request, so the layout is settled before the first frame arrives.
    ui.stage.hidden = !(open || pending);
    ui.fullscreen.hidden = !open;
    ui.self.hidden = !(open && this.session?.mode === 'two-way');
  }
}

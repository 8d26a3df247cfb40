// The video pane of one chat on the agent desktop: request, the customer's live picture, hold,
// resume, end, full screen, and the state in words. In one-way mode the desktop answers receive-only
// and never touches its own camera; in two-way mode it sends the agent's default camera and microphone.

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
  #ownTracks = [];
  #pendingCandidates = [];
  #canAnswer = false;
  #canHold = false;
  #capable = false;
  #chatActive = true;
  #watchedSession = null; // the session whose first frame is being waited for

  /** `send(frame)` writes to the agent socket; `element` is the chat's card. */
  constructor(element, conversationId, { send }) {
    this.conversationId = conversationId;
    this.#send = (frame) => send({ ...frame, conversationId });
    const $ = (id) => element.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      pane: element.querySelector('.interaction__video'),
      stage: element.querySelector('.interaction__stage'),
      remote: $('remote-video'),
      self: $('self-video'),
      status: $('video-status'),
      words: $('video-words'),
      request: $('request-video'),
      hold: $('video-hold'),
      resume: $('video-resume'),
      end: $('end-video'),
      fullscreen: $('video-fullscreen'),
    };
    const ui = this.#ui;
    ui.request.addEventListener('click', () => {
      ui.request.disabled = true;
      this.#send({ type: 'videoRequest' });
    });
    ui.hold.addEventListener('click', () => this.#send({ type: 'videoHold' }));
    ui.resume.addEventListener('click', () => this.#send({ type: 'videoResume' }));
    ui.end.addEventListener('click', () => this.#send({ type: 'videoEnd' }));
    ui.fullscreen.addEventListener('click', () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else ui.stage.requestFullscreen?.();
    });
    this.#render();
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
    if (this.state === 'idle' || this.state === 'ended' || this.state === 'failed') this.#render();
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'videoRequested': return this.#set('requested', frame);
      case 'videoStarting': return this.#onStarting(frame);
      case 'videoSignal': return this.#onSignal(frame);
      case 'videoStarted': return this.#set('live', frame);
      case 'videoHeld': return this.#set('held', frame);
      case 'videoResumed': return this.#set('live', frame);
      case 'videoEnd': return this.#onEnd(frame);
      default: return undefined;
    }
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
    const pc = new RTCPeerConnection({ iceServers: frame.iceServers ?? [] });
    this.#pc = pc;
    pc.ontrack = ({ track, streams }) => {
      if (track.kind !== 'video' && !streams.length) return;
      const stream = streams[0] ?? new MediaStream([track]);
      if (this.#ui.remote.srcObject !== stream) this.#ui.remote.srcObject = stream;
      this.#watchFirstFrame(pc);
    };
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.#pc) return;
      this.#signal({ signal: 'candidate', candidate: candidate ? candidate.toJSON() : null });
    };
    pc.onconnectionstatechange = () => {
      if (pc === this.#pc && pc.connectionState === 'failed') {
        this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'failed', reason: 'ice_failed' });
      }
    };
    this.#set('connecting', frame);
  }

  async #onSignal(frame) {
    const pc = this.#pc;
    if (!pc || frame.sessionId !== this.session?.id) return;
    try {
      if (frame.signal === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: frame.sdp });
        if (this.session.mode === 'two-way') await this.#sendOwnCamera(pc);
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
      this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'failed',
                   reason: `negotiation failed: ${error.message}`.slice(0, 200) });
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
    const report = async () => {
      if (pc !== this.#pc) return;
      const path = await mediaPath(pc);
      this.#send({ type: 'videoStatus', sessionId: this.session.id, state: 'live', ...(path ? { path } : {}) });
    };
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(() => report());
    else video.addEventListener('loadeddata', () => report(), { once: true });
  }

  #onEnd(frame) {
    this.#teardown();
    const failed = frame.video?.outcome === 'failed';
    this.#set(failed ? 'failed' : 'ended', frame);
  }

  #teardown() {
    this.#pc?.close();
    this.#pc = null;
    this.#pendingCandidates = [];
    for (const track of this.#ownTracks) track.stop();
    this.#ownTracks = [];
    this.#ui.remote.srcObject = null;
    this.#watchedSession = null;
    this.#ui.self.srcObject = null;
    if (document.fullscreenElement === this.#ui.stage) document.exitFullscreen();
  }

  #signal(fields) {
    this.#send({ type: 'videoSignal', sessionId: this.session.id, ...fields });
  }

  #set(state, frame) {
    this.state = state;
    if (frame?.video) this.session = frame.video;
    this.#render(frame?.text ?? null);
  }

  #render(text = null) {
    const ui = this.#ui;
    const { state } = this;
    const open = state === 'connecting' || state === 'live' || state === 'held';
    const pending = state === 'requested';
    ui.pane.hidden = !(this.#capable && this.#canAnswer) && state === 'idle';
    ui.pane.dataset.state = state;
    ui.status.textContent = state;
    ui.words.textContent = state === 'failed' || state === 'ended' ? (text || STATE_WORDS[state]) : STATE_WORDS[state];
    ui.request.hidden = !(this.#canAnswer && this.#capable);
    ui.request.disabled = !this.#chatActive || open || pending;
    ui.request.textContent = state === 'ended' || state === 'failed' ? 'Request video again' : 'Request video';
    ui.hold.hidden = !(this.#canHold && state === 'live');
    ui.resume.hidden = !(this.#canHold && state === 'held');
    ui.end.hidden = !(this.#canAnswer && (open || pending));
    // The stage opens with the request, so the layout is settled before the first frame arrives.
    ui.stage.hidden = !(open || pending);
    ui.fullscreen.hidden = !open;
    ui.self.hidden = !(open && this.session?.mode === 'two-way');
  }
}

/** `direct` or `relay` (TURN) for the pair of candidates carrying the media, or null before there is one. */
export async function mediaPath(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((report) => {
    if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
  });
  if (!pair) {
    stats.forEach((report) => {
      if (report.type === 'candidate-pair' && report.nominated && report.state === 'succeeded') pair = report;
    });
  }
  if (!pair) return null;
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  return local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relay' : 'direct';
}

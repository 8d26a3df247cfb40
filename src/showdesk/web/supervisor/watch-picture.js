// The customer's live picture in the watch panel, for a holder of Video > Monitor. The picture goes peer to
// peer between the customer and the agent; the agent's desktop forwards what it receives over a peer
// connection of its own to this page, signalled over the watch socket (`monitorStart`, `monitorSignal`,
// `monitorStop` out; `monitorStarting`, `monitorSignal`, `monitorDeclined`, `monitorEnded` in). The
// customer reads in their chat that a supervisor now sees the video, and again when it stops.
//
// Test ids: watch-picture-area, watch-picture (the <video>), watch-picture-status, watch-picture-start,
// watch-picture-stop.

const NO_PICTURE_MS = 15_000; // the agent's desktop should have offered by then
const SHOWABLE = new Set(['live', 'held']);
const DECLINED = {
  relay_closed: 'The agent’s desktop stopped sending the picture (its connection to this page failed).',
  too_many_watchers: 'Other supervisors already see this picture, as many as the agent’s connection is allowed to send. Try again later.',
};
const ENDED = {
  stopped: 'You stopped seeing the picture; the customer has been told.',
  permission: 'You no longer hold Video > Monitor, so the picture was closed.',
  video_ended: 'The video has ended.',
};

export class WatchPicture {
  #ui;
  #send;
  #pc = null;
  #monitorId = null;
  #pending = [];
  #timer = null;
  #allowed = false;
  #asking = false; // monitorStart sent, its answer not come yet
  #videoState = null;

  /** `area` holds the test ids above; `send(frame)` writes to the watch socket. */
  constructor(area, { send }) {
    const $ = (id) => area.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      area, video: $('watch-picture'), status: $('watch-picture-status'), start: $('watch-picture-start'), stop: $('watch-picture-stop'),
    };
    this.#send = send;
    this.#ui.start.addEventListener('click', () => this.#start());
    this.#ui.stop.addEventListener('click', () => {
      if (this.#monitorId) this.#send({ type: 'monitorStop', monitorId: this.#monitorId });
      this.#close(ENDED.stopped);
    });
  }

  /** What the watcher may do (`monitor`: Video > Monitor) and the video's state now (null: none). */
  update(monitor, videoState) {
    this.#allowed = Boolean(monitor);
    this.#videoState = videoState;
    if (!SHOWABLE.has(videoState) && this.#monitorId) this.#close(ENDED.video_ended);
    this.#render();
  }

  /** A frame of the watch socket; true when it was this picture's. */
  onFrame(frame) {
    switch (frame.type) {
      case 'monitorStarting': this.#open(frame); return true;
      case 'monitorSignal': this.#onSignal(frame); return true;
      case 'monitorDeclined': this.#close(DECLINED[frame.reason] ?? 'The agent’s desktop cannot send the picture now.'); return true;
      case 'monitorEnded': this.#close(ENDED[frame.reason] ?? 'The picture was closed.'); return true;
      case 'error':
        if (!String(frame.ref ?? '').startsWith('monitor')) return false;
        this.#close(`The picture could not be shown: ${frame.message}`);
        return true;
      default: return false;
    }
  }

  /** The panel closed or watches another chat. */
  reset() {
    this.#close('');
    this.#videoState = null;
    this.#render();
  }

  #start() {
    this.#asking = true;
    this.#ui.start.disabled = true;
    this.#say('Asking the agent’s desktop for the picture. The customer is told that a supervisor is watching.');
    this.#send({ type: 'monitorStart' });
  }

  #open(frame) {
    this.#asking = false;
    this.#monitorId = frame.monitorId;
    const pc = new RTCPeerConnection({ iceServers: frame.iceServers ?? [] });
    this.#pc = pc;
    pc.ontrack = ({ track, streams }) => {
      this.#ui.video.srcObject = streams[0] ?? new MediaStream([track]);
      this.#ui.video.hidden = false;
    };
    this.#ui.video.addEventListener('loadeddata', () => {
      if (pc !== this.#pc) return;
      clearTimeout(this.#timer);
      this.#say('The customer’s picture, live, as the agent sees it. The customer and the agent have been told that you see it.');
    }, { once: true });
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.#pc) return;
      this.#send({ type: 'monitorSignal', monitorId: frame.monitorId, signal: 'candidate', candidate: candidate ? candidate.toJSON() : null });
    };
    pc.onconnectionstatechange = () => {
      if (pc === this.#pc && pc.connectionState === 'failed') {
        this.#stopRelay('The picture could not reach this page: the connection to the agent’s desktop failed.');
      }
    };
    this.#timer = setTimeout(() => {
      if (pc === this.#pc) this.#stopRelay('The agent’s desktop did not send the picture. Try again in a moment.');
    }, NO_PICTURE_MS);
    this.#render();
  }

  async #onSignal(frame) {
    const pc = this.#pc;
    if (!pc || frame.monitorId !== this.#monitorId) return;
    try {
      if (frame.signal === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: frame.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        this.#send({ type: 'monitorSignal', monitorId: frame.monitorId, signal: 'answer', sdp: pc.localDescription.sdp });
        for (const candidate of this.#pending.splice(0)) await pc.addIceCandidate(candidate);
      } else if (frame.signal === 'candidate' && frame.candidate) {
        if (pc.remoteDescription) await pc.addIceCandidate(frame.candidate);
        else this.#pending.push(frame.candidate);
      }
    } catch {
      if (pc === this.#pc) this.#stopRelay('The picture could not be set up with the agent’s desktop.');
    }
  }

  /** Give the relay up from this side: the server is told, so the agent's desktop closes it too. */
  #stopRelay(words) {
    if (this.#monitorId) this.#send({ type: 'monitorStop', monitorId: this.#monitorId });
    this.#close(words);
  }

  #close(words) {
    this.#asking = false;
    clearTimeout(this.#timer);
    this.#pc?.close();
    this.#pc = null;
    this.#monitorId = null;
    this.#pending = [];
    this.#ui.video.srcObject = null;
    this.#ui.video.hidden = true;
    this.#say(words);
    this.#render();
  }

  #say(words) {
    this.#ui.status.textContent = words;
  }

  #render() {
    const ui = this.#ui;
    ui.area.hidden = !this.#allowed;
    const open = Boolean(this.#monitorId);
    ui.stop.hidden = !open;
    ui.start.hidden = open;
    ui.start.disabled = this.#asking || !SHOWABLE.has(this.#videoState);
    ui.start.title = ui.start.disabled ? 'The picture can be shown while the video is live.' : '';
  }
}

// The customer's side of video: the camera, one peer connection per session (send-only in one-way
// mode), trickle ICE over the chat socket, hold by sending no frames at all, and every track stopped
// when the video ends, however it ends. When the network fights back, this side leads: a first attempt
// that cannot connect is tried once more through the TURN relay only, and a connection lost to a
// network change is restarted (ICE restart), each time with fresh ICE servers from the server. When the
// uplink cannot carry a readable picture, photo mode sends sharp stills instead of live frames (stills.js).

import { applyCameraRequest } from './camera-control.js';
import { answerPhotoRequest } from './photo.js';
import { StillSender } from './stills.js';
import { ConnectionWatch } from './connection-watch.js';
import { cameraError, videoRefusal } from './media-errors.js';
import { errorWords } from './words.js';

// What the customer reads while the connection fights the network (the agent reads its own words).
const RETRY_WORDS = {
  relay: 'Your network blocks direct video; trying a relay…',
  restart: 'Your network changed; reconnecting the video…',
};

const OPEN_STATES = new Set(['connecting', 'live', 'held']);
// The server's answers to an ICE restart of a session that is no longer live: it ended meanwhile.
const SESSION_OVER = new Set(['video_state', 'video_not_found']);

/** A browser failure on the video connection, for the page: words to show; the browser's own error (its
 * message is for developers, never for the customer) kept as `cause`. */
function connectionError(code, cause) {
  const error = videoRefusal(code, errorWords(code));
  error.cause = cause;
  return error;
}

/** What `startVideo` asks the camera for when the page hands neither a stream nor constraints. */
export function defaultConstraints(settings) {
  const video = { facingMode: { ideal: 'environment' } }; // the rear camera, pointed at the product
  const quality = settings?.quality;
  if (quality) {
    Object.assign(video, { width: { ideal: quality.width }, height: { ideal: quality.height },
                           frameRate: { ideal: quality.frameRate } });
  }
  return { video, audio: settings?.audioSource === 'microphone' };
}

// detail: keep the resolution and drop frames when the network is slow (read a model number);
// smooth: keep the frames and lower the resolution (follow a moving part).
const DEGRADATION = { detail: 'maintain-resolution', smooth: 'maintain-framerate' };
const CONTENT_HINT = { detail: 'detail', smooth: 'motion' };

/** A sender's encodings on or off (off: no frames, no retransmissions, no padding). */
async function setActive(sender, active) {
  try {
    const params = sender.getParameters();
    if (!params.encodings?.length) return;
    for (const encoding of params.encodings) encoding.active = active;
    await sender.setParameters(params);
  } catch {
    // a sender that cannot be changed sends nothing without its track either
  }
}

/** What WebRTC's bandwidth estimate says the uplink carries (bits a second), or null. */
async function uplinkEstimate(pc) {
  try {
    let estimate = null;
    (await pc.getStats()).forEach((report) => {
      if (report.type === 'candidate-pair' && report.nominated && report.availableOutgoingBitrate > 0) {
        estimate = report.availableOutgoingBitrate;
      }
    });
    return estimate;
  } catch {
    return null;
  }
}

/** The sender follows the agent's detail/smooth choice and the block's bitrate cap, live. */
async function applyPreference(pc, preference, maxBitrateKbps) {
  for (const sender of pc?.getSenders() ?? []) {
    if (sender.track?.kind !== 'video') continue;
    sender.track.contentHint = CONTENT_HINT[preference] ?? 'detail';
    const params = sender.getParameters();
    params.degradationPreference = DEGRADATION[preference] ?? 'maintain-resolution';
    if (maxBitrateKbps && params.encodings?.length) {
      for (const encoding of params.encodings) encoding.maxBitrate = maxBitrateKbps * 1000;
    }
    await sender.setParameters(params);
  }
}

// The frames of a session under way, which a device that is not sending it only follows (see #sentElsewhere).
const FOLLOWED = new Set(['videoStarting', 'videoStarted', 'videoHeld', 'videoResumed', 'videoSignal',
  'videoRetrying', 'videoPreference', 'videoCamera', 'videoPhotoRequested', 'videoProblem', 'videoPhotoMode',
  'videoStill']);

export class CustomerVideo {
  state = 'idle'; // idle | requested | connecting | live | held | ended | failed
  session = null; // the server's record of the current session
  remoteStream = null; // two-way: the agent's picture
  localStream = null; // what the customer is sharing, for a preview
  #send;
  #emit;
  #extraIceServers;
  #relayOnly;
  #renewTransport; // the chat's socket may have died with the old network too
  #uploadPhoto; // (request, blob) => the server's {photo, message}
  #uploadStill; // (blob) => the server's photo (photo mode)
  #settingsOf; // the Start Video block's settings (mode, sources, quality) of this chat
  #deviceOf; // () => the kind of device this browser is, or null
  #iceServers = []; // the server's, for the current session
  #stream = null; // what is being shared, kept across a relay retry
  #attemptNo = 0; // 0: the first connection; 1: the relay retry (signals carry it)
  #maxIceRestarts = null; // the server's limit per session (videoReady); null: ask, and the server says no
  #watch = null;
  #pc = null;
  #tracks = new Set(); // every track given or taken for the current attempt
  #heldSenders = [];
  #photoSenders = []; // [sender, track, direction] of the video senders photo mode took the track from
  #stills = null; // StillSender while photo mode sends
  #pendingCandidates = [];
  #attempt = null; // {sessionId, resolve, reject, ready, cancelled} while startVideo runs
  #readyWaiter = null; // the server's answer to the last videoStart
  #ended = new Set(); // session ids whose end was already reported

  constructor({ send, emit, iceServers = [], iceTransportPolicy = 'all', renewTransport = () => {},
                settings = () => null, uploadPhoto = null, uploadStill = null, device = () => null }) {
    this.#renewTransport = renewTransport;
    this.#deviceOf = device;
    this.#uploadPhoto = uploadPhoto;
    this.#uploadStill = uploadStill;
    this.#settingsOf = settings;
    this.#send = send;
    this.#emit = emit;
    this.#extraIceServers = iceServers;
    this.#relayOnly = iceTransportPolicy === 'relay';
  }

  get #settings() { return this.#settingsOf(); }

  get isOpen() { return OPEN_STATES.has(this.state); }
  get requestedSessionId() { return this.state === 'requested' ? this.session?.id ?? null : null; }

  /**
   * Starts one attempt. `media` is the camera promise the caller already started (before any await),
   * or the page's own stream.
   */
  start(media) {
    const sessionId = this.requestedSessionId;
    this.#setState('connecting');
    let settle;
    const done = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    const attempt = { sessionId, ...settle, cancelled: false };
    attempt.ready = new Promise((resolve, reject) => { this.#readyWaiter = { resolve, reject }; });
    attempt.ready.catch(() => {});
    this.#attempt = attempt;
    // Ask the server while the camera prompt is up: both are needed, neither waits for the other.
    const frame = sessionId ? { type: 'videoStart', sessionId } : { type: 'videoStart' };
    const device = this.#deviceOf(); // phone | tablet | computer: the agent sees which device sends
    this.#send(device ? { ...frame, device } : frame);
    this.#run(attempt, media).catch((error) => this.#failAttempt(attempt, error));
    return done;
  }

  async #run(attempt, media) {
    let stream;
    try {
      stream = await media;
    } catch (error) {
      const mapped = cameraError(error);
      // The agent learns why, in words; the session is recorded as failed with that reason.
      attempt.ready.then(({ sessionId }) => {
        this.#send({ type: 'videoDecline', sessionId, reason: mapped.code });
      }, () => {});
      throw mapped;
    }
    const cancelled = () => {
      if (!attempt.cancelled) return false;
      for (const track of stream.getTracks()) track.stop();
      return true;
    };
    if (cancelled()) return;
    for (const track of stream.getTracks()) this.#tracks.add(track);
    this.localStream = stream;
    // While the server confirms, the connection is built and its offer made from the chat's Start Video
    // settings (a page that hands its own stream waits for nothing else); only the session's ICE servers
    // wait for the server's answer, and gathering starts once they are set.
    const early = this.#prepare(stream);
    const dropEarly = () => early?.pc.close();
    const { sessionId, video, iceServers, maxIceRestarts } = await attempt.ready.catch((error) => {
      dropEarly();
      throw error;
    });
    if (cancelled()) return dropEarly();
    this.session = video;
    this.#maxIceRestarts = Number.isInteger(maxIceRestarts) ? maxIceRestarts : null;
    this.#stream = stream;
    this.#iceServers = iceServers ?? [];
    this.#attemptNo = 0;
    await this.#connect(attempt, sessionId, { relay: this.#relayOnly }, early);
  }

  /** The connection as the chat's settings say the session will be, before the server has answered. */
  #prepare(stream) {
    const settings = this.#settings;
    if (!settings) return null;
    const expected = { mode: settings.mode ?? 'one-way', audioSource: settings.audioSource ?? 'none',
                       preference: settings.quality?.preference ?? 'detail' };
    return this.#build(stream, expected, { iceServers: [...this.#extraIceServers],
                                           iceTransportPolicy: this.#relayOnly ? 'relay' : 'all' });
  }

  /** A peer connection with the stream's tracks on it as `session` says, and its offer (a promise). */
  #build(stream, { mode, audioSource, preference }, config) {
    const pc = new RTCPeerConnection(config);
    const twoWay = mode === 'two-way';
    // The flow decides whether the microphone is shared: a page's stream with audio sends no sound
    // when the Start Video block says audio source none (its tracks are still stopped at the end).
    const sent = stream.getTracks().filter((t) => t.kind === 'video' || audioSource === 'microphone');
    for (const track of sent) {
      if (track.readyState === 'live') {
        pc.addTransceiver(track, { direction: twoWay ? 'sendrecv' : 'sendonly', streams: [stream] });
      }
    }
    if (twoWay) {
      if (!sent.some((t) => t.kind === 'video')) pc.addTransceiver('video', { direction: 'recvonly' });
      if (!sent.some((t) => t.kind === 'audio')) pc.addTransceiver('audio', { direction: 'recvonly' });
    }
    const offer = applyPreference(pc, preference, this.#settings?.quality?.maxBitrateKbps).catch(() => {})
      .then(() => pc.createOffer());
    offer.catch(() => {}); // awaited by #connect, or the connection is dropped unused
    return { pc, mode, audioSource, preference, offer };
  }

  /** One peer connection for the session: the camera's tracks on it, an offer to the agent. */
  async #connect(attempt, sessionId, { relay }, early = null) {
    const video = this.session;
    const stream = this.#stream;
    const iceServers = [...this.#iceServers, ...this.#extraIceServers];
    const iceTransportPolicy = relay ? 'relay' : 'all';
    const fits = early && early.mode === video.mode && early.audioSource === video.audioSource;
    if (early && !fits) early.pc.close();
    let built;
    if (fits) {
      built = early;
      // Before the local description: gathering uses the session's servers from its first candidate.
      built.pc.setConfiguration({ ...built.pc.getConfiguration(), iceServers, iceTransportPolicy });
    } else {
      built = this.#build(stream, video, { iceServers, iceTransportPolicy });
    }
    const { pc } = built;
    this.#pc = pc;
    const attemptNo = this.#attemptNo;
    if (video.mode === 'two-way') {
      pc.ontrack = ({ track, streams }) => {
        this.remoteStream ??= streams[0] ?? new MediaStream();
        if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
        this.#emit('remoteStream', { stream: this.remoteStream });
      };
    }
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.#pc) return;
      this.#send({ type: 'videoSignal', sessionId, signal: 'candidate', attempt: attemptNo,
                   candidate: candidate ? candidate.toJSON() : null });
    };
    this.#watch = new ConnectionWatch(pc, { relay }, {
      connected: () => { if (pc === this.#pc) this.#settle(attempt, null); },
      neverConnected: (reason) => { if (pc === this.#pc) this.#cannotConnect(sessionId, reason); },
      lost: (reason) => { if (pc === this.#pc) this.#connectionLost(sessionId, reason); },
    });
    await pc.setLocalDescription(await built.offer);
    if (pc !== this.#pc) return;
    this.#send({ type: 'videoSignal', sessionId, signal: 'offer', attempt: attemptNo, sdp: pc.localDescription.sdp });
    if (built.preference !== video.preference) {
      await applyPreference(pc, video.preference, this.#settings?.quality?.maxBitrateKbps).catch(() => {});
    }
  }

  /** The first connection could not be made: once through the relay only, then give up in words. */
  #cannotConnect(sessionId, reason) {
    if (this.#attemptNo === 0) this.#send({ type: 'videoRetry', sessionId, how: 'relay', reason });
    else this.#send({ type: 'videoDecline', sessionId, reason: 'relay_failed' });
  }

  /** A connection that worked went away: ICE restart, a few times, then give up in words. */
  #connectionLost(sessionId, reason) {
    this.#renewTransport(); // what follows waits for the renewed chat connection, so nothing is lost
    const restarts = this.session?.iceRestarts ?? 0;
    if (this.#maxIceRestarts === null || restarts < this.#maxIceRestarts) {
      // One restart per episode: while the chat connection comes back (the request waits in its queue), the
      // `online` event and ICE's own `disconnected` say the same again; only a restart that does not connect
      // in time asks for another.
      this.#watch?.expectReconnect();
      this.#send({ type: 'videoRetry', sessionId, how: 'restart', reason });
    } else {
      this.#send({ type: 'videoDecline', sessionId, reason: 'connection_lost' });
    }
  }

  async #onPreference({ video, text }) {
    this.session = video;
    await applyPreference(this.#pc, video.preference, this.#settings?.quality?.maxBitrateKbps).catch((error) => {
      this.#emit('error', connectionError('video_adjust_failed', error));
    });
    this.#emit('videoPreference', { sessionId: video.id, preference: video.preference, video, text });
  }

  /** The agent asks for the other camera, the torch or a zoom: shown to the customer, done where the device
   * can, and the outcome reported (the transcript keeps both). The customer can stop at any time. */
  async #onCamera({ video, action, value, text }) {
    this.session = video;
    this.#emit('cameraRequest', { sessionId: video.id, action, value, text });
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === 'video') ?? null;
    const held = this.#heldSenders.find(([, t]) => t.kind === 'video')
      ?? this.#photoSenders.find(([, t]) => t.kind === 'video') ?? null;
    const track = sender?.track ?? held?.[1] ?? null;
    let result;
    try {
      result = await applyCameraRequest(track, action, value);
    } catch (error) {
      result = { ok: false, reason: 'failed' };
    }
    if (result.ok && result.track) await this.#useCamera(track, result.track, sender, held);
    this.#send({ type: 'videoCameraResult', sessionId: video.id, action, value,
                 ok: result.ok, reason: result.reason ?? null });
  }

  /** The agent asks for a full-resolution still of what the camera sees: taken from the track being sent,
   * uploaded to the chat (where both sides see it); if it cannot be, the agent reads why. */
  async #onPhotoRequested({ video, requestId, request, text }) {
    this.session = video;
    this.#emit('photoRequested', { sessionId: video.id, requestId, text });
    const track = this.state === 'live' ? this.#cameraTrack() : null;
    const outcome = await answerPhotoRequest(track, (blob) => this.#uploadPhoto(request, blob));
    if (outcome.ok) {
      const { photo = null, message = null } = outcome.result ?? {};
      this.#emit('photoSent', { requestId, photo, message });
      return;
    }
    if (outcome.error?.code === 'chat_ended') return;
    this.#send({ type: 'videoPhotoFailed', requestId, reason: outcome.reason }); // both sides hear it back
  }

  /** The camera's video track being shared: on its sender, or kept aside by photo mode. */
  #cameraTrack() {
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === 'video') ?? null;
    return sender?.track ?? this.#photoSenders.find(([, t]) => t.kind === 'video')?.[1] ?? null;
  }

  // photo mode ------------------------------------------------------------------------------------------
  /** Photo mode offered (the agent's picture stayed too poor to read detail), turned on or off. */
  async #onPhotoMode({ video, state, by, text }) {
    this.session = video;
    if (state === 'on' || state === 'off') await this.#followPhotoMode();
    this.#emit('photoMode', { sessionId: video.id, state, by: by ?? null, text });
  }

  /** The customer (or the page for them) turns photo mode on or off; both sides hear it back. */
  usePhotos(on) {
    if (this.state !== 'live' && this.state !== 'held') return;
    // Asked for on a starved uplink: the live frames stop at once, so that this request (and then the stills)
    // get through; the server's answer confirms it, or its refusal gives the frames back (onError).
    if (on) this.#pauseLive().catch(() => {});
    this.#send({ type: 'videoPhotoMode', on: Boolean(on) });
  }

  /**
   * The video senders let go of the camera, and the video is negotiated as not sent: no frames and no
   * retransmissions of earlier ones either (on a starved uplink the agent's side keeps asking for the lost
   * packets of the last frames, and answering them would leave the stills no room).
   */
  async #pauseLive() {
    const pc = this.#pc;
    let paused = false;
    for (const transceiver of pc?.getTransceivers?.() ?? []) {
      const { sender } = transceiver;
      if (sender.track?.kind !== 'video') continue;
      this.#photoSenders.push([sender, sender.track, transceiver.direction]);
      await sender.replaceTrack(null);
      await setActive(sender, false);
      transceiver.direction = transceiver.direction === 'sendrecv' ? 'recvonly' : 'inactive';
      paused = true;
    }
    if (paused) await this.#renegotiate(pc);
  }

  /** The camera back on its senders (or kept for the resume, while on hold), sent again. */
  async #resumeLive() {
    const pc = this.#pc;
    const photoSenders = this.#photoSenders.splice(0);
    if (!photoSenders.length || !pc || pc.signalingState === 'closed') return;
    for (const [sender, track, direction] of photoSenders) {
      const transceiver = pc.getTransceivers?.().find((t) => t.sender === sender);
      if (transceiver && direction) transceiver.direction = direction;
      await setActive(sender, true);
      if (this.state === 'held') this.#heldSenders.push([sender, track]); // resume gives it back
      else if (track.readyState === 'live') await sender.replaceTrack(track);
    }
    await this.#renegotiate(pc);
  }

  /** A new offer on the same connection (what is sent changed); the agent answers as to an ICE restart. */
  async #renegotiate(pc) {
    if (!pc || pc !== this.#pc || !this.session || typeof pc.createOffer !== 'function') return;
    try {
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
      await pc.setLocalDescription(await pc.createOffer());
      if (pc !== this.#pc) return;
      this.#send({ type: 'videoSignal', sessionId: this.session.id, signal: 'offer', attempt: this.#attemptNo,
                   sdp: pc.localDescription.sdp });
    } catch (error) {
      console.warn('video renegotiation failed', error);
    }
  }

  /** Live frames or stills, as the session says: in photo mode the video is negotiated off on the same
   * connection (kept for the way back) and the stills run while the video is live. */
  async #followPhotoMode() {
    const photos = Boolean(this.session?.photoMode) && this.isOpen;
    // The stills fill a slow uplink, and ICE's own checks may stall behind them: no ICE restart meanwhile
    // (the stills do not need the connection); a connection still lost when live video comes back restarts then.
    this.#watch?.quiet(photos);
    if (photos) await this.#pauseLive();
    else await this.#resumeLive();
    const sending = photos && this.state === 'live' && this.#uploadStill;
    if (sending && !this.#stills?.running) {
      const sessionId = this.session.id;
      const bitsPerSecond = await uplinkEstimate(this.#pc);
      if (this.#stills?.running || !this.session?.photoMode || this.state !== 'live') return;
      this.#stills = new StillSender({
        bitsPerSecond,
        track: () => this.#cameraTrack(),
        upload: (blob) => this.#uploadStill(blob),
        sent: (photo, blob) => this.#emit('stillSent', { sessionId, photo, bytes: blob.size }),
      });
    } else if (!sending) {
      this.#stills?.stop();
      this.#stills = null;
    }
  }

  /** The other camera goes on the same sender (no renegotiation); the one before is turned off. */
  async #useCamera(before, after, sender, held) {
    if (!this.isOpen) { after.stop(); return; }
    after.contentHint = before.contentHint; // detail or motion, as the agent chose (the sender keeps its parameters)
    if (sender) await sender.replaceTrack(after);
    else if (held) held[1] = after;
    before.stop();
    this.#tracks.delete(before);
    this.#tracks.add(after);
    this.localStream = new MediaStream([after, ...(this.localStream?.getAudioTracks() ?? [])]);
    this.#stream = this.localStream;
    this.#emit('localStream', { stream: this.localStream });
  }

  /** The server agreed to try again and sent fresh ICE servers (and relay credentials). */
  async #onRetrying(frame) {
    const pc = this.#pc;
    if (!pc || frame.video?.id !== this.session?.id) return;
    this.session = frame.video;
    const sessionId = frame.video.id;
    this.#emit('videoRetrying', { sessionId, how: frame.how, video: frame.video, text: RETRY_WORDS[frame.how] });
    if (frame.how === 'relay') {
      this.#iceServers = frame.iceServers ?? [];
      this.#attemptNo += 1;
      this.#closePeer();
      const attempt = this.#attempt;
      await this.#connect(attempt, sessionId, { relay: true }).catch((error) => this.#failAttempt(attempt, error));
    } else if (frame.how === 'restart') {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: [...(frame.iceServers ?? []), ...this.#extraIceServers] });
      this.#watch?.expectReconnect();
      // An earlier restart's offer still unanswered (its answer lost with the network): this one replaces it.
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      if (pc !== this.#pc) return;
      this.#send({ type: 'videoSignal', sessionId, signal: 'offer', attempt: this.#attemptNo,
                   sdp: pc.localDescription.sdp });
    }
  }

  // frames from the server ----------------------------------------------------------------------------
  onFrame(frame) {
    if (this.#sentElsewhere(frame)) return this.#follow(frame);
    switch (frame.type) {
      case 'videoRequested': return this.#onRequested(frame);
      case 'videoReady': return this.#takeReadyWaiter()?.resolve(frame);
      case 'videoStarting': this.session = frame.video; return undefined;
      case 'videoStarted': return this.#onLive(frame);
      case 'videoHeld': return this.#onHeld(frame);
      case 'videoResumed': return this.#onResumed(frame);
      case 'videoEnd': return this.#finish(frame);
      case 'videoSignal': return this.#onSignal(frame);
      case 'videoRetrying': return this.#onRetrying(frame).catch((error) => {
        this.#emit('error', connectionError('invalid_signal', error));
      });
      case 'videoPreference': return this.#onPreference(frame);
      case 'videoCamera': return this.#onCamera(frame);
      case 'videoPhotoRequested': return this.#onPhotoRequested(frame);
      case 'videoPhotoMode': return this.#onPhotoMode(frame);
      case 'videoStill': this.session = frame.video ?? this.session; return undefined;
      case 'videoPhotoFailed':
        return this.#emit('photoFailed', { requestId: frame.requestId, reason: frame.reason, text: frame.text });
      // Marks belong on the picture this device sends; the customer's other device has none.
      case 'videoMark': return this.#pc && frame.mark ? this.#emit('mark', frame.mark) : undefined;
      case 'videoMarksCleared': return this.#pc ? this.#emit('marksCleared', { by: frame.by }) : undefined;
      case 'videoProblem':
        this.session = frame.video;
        return this.#emit('videoProblem', { sessionId: frame.video?.id ?? null, cause: frame.cause, text: frame.text });
      default: return undefined;
    }
  }

  /**
   * A session the customer's other device sends (the chat was handed off to a phone): this device neither
   * started nor connected it, so it follows the record only (no state, no signals); a request that was
   * waiting here was answered there.
   */
  #sentElsewhere(frame) {
    return FOLLOWED.has(frame.type) && !this.#attempt && !this.#pc;
  }

  #follow(frame) {
    if (frame.video) this.session = frame.video;
    if (frame.type === 'videoStarting' && this.state === 'requested') this.#setState('idle');
  }

  /** A refused video frame (`ref` names it). Returns true when it was about video. */
  onError(error) {
    const attempt = this.#attempt;
    if (error.ref === 'videoStart') {
      const refusal = videoRefusal(error.code, error.message);
      this.#takeReadyWaiter()?.reject(refusal);
      if (attempt) this.#failAttempt(attempt, refusal);
      return true;
    }
    if (error.ref === 'videoPhotoMode') {
      this.#followPhotoMode().catch(() => {}); // refused: live frames again, as the session still says
      return true;
    }
    if (error.ref === 'videoRetry' && this.isOpen && this.session) {
      if (SESSION_OVER.has(error.code)) {
        // The server ended this video while the connection was down (the drop outlasted its grace), and the
        // end never reached this page: it ends here too, camera off, in words.
        this.#finish({ video: this.session, reason: 'connection_lost', text: errorWords('video_connection_lost') });
        return true;
      }
      // The server will not try again (restarts used up, say): end it in words rather than hang.
      const connected = this.#pc?.connectionState === 'connected';
      if (!connected) this.#send({ type: 'videoDecline', sessionId: this.session.id, reason: 'connection_lost' });
      return true;
    }
    return typeof error.ref === 'string' && error.ref.startsWith('video');
  }

  #takeReadyWaiter() {
    const waiter = this.#readyWaiter;
    this.#readyWaiter = null;
    return waiter;
  }

  restoreRequest(video) {
    if (video && video.state === 'requested' && !this.isOpen) this.#onRequested({ video, text: null });
  }

  #onRequested({ video, text }) {
    this.session = video;
    this.#setState('requested');
    this.#emit('videoRequested', { sessionId: video.id, video, text: text ?? null });
  }

  #onLive({ video, text }) {
    this.session = video;
    if (this.#pc) this.#settle(this.#attempt, null);
    this.#setState('live');
    this.#emit('videoStarted', { sessionId: video.id, video, text });
  }

  async #onHeld({ video, text }) {
    this.session = video;
    // No frames at all while held (not black ones): each sender lets go of its track, no renegotiation.
    for (const sender of this.#pc?.getSenders() ?? []) {
      if (sender.track) {
        this.#heldSenders.push([sender, sender.track]);
        await sender.replaceTrack(null);
      }
    }
    this.#setState('held');
    await this.#followPhotoMode(); // no stills while held either
    this.#emit('videoHeld', { sessionId: video.id, video, text });
  }

  async #onResumed({ video, text }) {
    this.session = video;
    for (const [sender, track] of this.#heldSenders.splice(0)) {
      if (video.photoMode && track.kind === 'video') this.#photoSenders.push([sender, track]);
      else if (track.readyState === 'live' && this.#pc?.signalingState !== 'closed') await sender.replaceTrack(track);
    }
    this.#setState('live');
    await this.#followPhotoMode(); // photo mode outlives a hold
    this.#emit('videoResumed', { sessionId: video.id, video, text });
  }

  async #onSignal(frame) {
    const pc = this.#pc;
    if (!pc || frame.sessionId !== this.session?.id || (frame.attempt ?? 0) !== this.#attemptNo) return;
    try {
      if (frame.signal === 'answer') {
        if (pc.signalingState !== 'have-local-offer') return; // the answer to an offer already replaced
        await pc.setRemoteDescription({ type: 'answer', sdp: frame.sdp });
        for (const candidate of this.#pendingCandidates.splice(0)) await pc.addIceCandidate(candidate);
      } else if (frame.signal === 'candidate') {
        const candidate = frame.candidate ?? null;
        if (pc.remoteDescription) await pc.addIceCandidate(candidate ?? undefined);
        else this.#pendingCandidates.push(candidate ?? undefined);
      }
    } catch (error) {
      // A candidate of a path given up (an ICE restart crossed it) is no failure anyone need read about.
      if (frame.signal === 'candidate') console.warn('video candidate not added', error);
      else this.#emit('error', connectionError('invalid_signal', error));
    }
  }

  // ending ----------------------------------------------------------------------------------------------
  /** The customer stops: the server is told, and the camera goes off at once. */
  stop(reason = null) {
    if (this.#attempt) this.#attempt.cancelled = true;
    if (this.state === 'requested') {
      this.#send({ type: 'videoDecline', sessionId: this.session.id });
      this.#setState('idle');
      return;
    }
    if (!this.isOpen) return this.#stopTracks();
    this.#send(reason ? { type: 'videoStop', reason } : { type: 'videoStop' });
    return this.#finish({ video: this.session, reason: 'stopped', by: 'customer',
                          text: 'You stopped the video.' });
  }

  /** The page is going away: an open video stops; a request still waiting stays for the next page. */
  pageHidden() {
    if (this.isOpen) this.stop('page_left');
    else this.#stopTracks();
  }

  /** The chat ended or was disconnected: no camera stays on. */
  close(reason = 'chat_ended', text = 'The video ended with the chat.') {
    if (this.#attempt) this.#attempt.cancelled = true;
    if (this.isOpen || this.state === 'requested') this.#finish({ video: this.session, reason, text });
    else this.#stopTracks();
  }

  #finish({ video, reason = null, text = null, by = null }) {
    const attempt = this.#attempt;
    this.#teardown();
    const session = video ?? this.session;
    const failed = session?.outcome === 'failed';
    if (attempt) {
      this.#attempt = null;
      attempt.cancelled = true;
      this.#takeReadyWaiter()?.reject(videoRefusal('video_ended')); // a connection built early is closed
      // The customer stopping before the picture came is a cancellation, not an error to show.
      const code = session?.failureReason || (by === 'customer' ? 'video_cancelled' : reason) || 'video_ended';
      attempt.reject(videoRefusal(code, text || 'The video ended before it started.'));
    }
    this.session = session;
    this.#setState(failed ? 'failed' : 'ended');
    const id = session?.id ?? null;
    if (id && this.#ended.has(id)) return;
    if (id) this.#ended.add(id);
    this.#emit('videoEnd', { sessionId: id, video: session, reason: session?.failureReason ?? reason,
                             by: session?.endedBy ?? by, text });
  }

  #settle(attempt, error) {
    if (!attempt || attempt !== this.#attempt) return;
    this.#attempt = null;
    if (error) attempt.reject(error);
    else attempt.resolve({ sessionId: this.session?.id ?? null, video: this.session });
  }

  #failAttempt(attempt, error) {
    if (attempt !== this.#attempt) return;
    this.#attempt = null;
    attempt.cancelled = true; // a camera granted after a refusal (the prompt was still up) goes off at once
    this.#teardown();
    this.#setState('failed');
    attempt.reject(error);
  }

  /** Camera off, connection closed, nothing of this session kept. */
  #teardown() {
    this.#stills?.stop();
    this.#stills = null;
    this.#photoSenders = [];
    this.#stopTracks();
    this.#closePeer();
    this.#stream = null;
    this.#heldSenders = [];
    this.remoteStream = null;
  }

  #closePeer() {
    this.#watch?.stop();
    this.#watch = null;
    this.#pc?.close();
    this.#pc = null;
    this.#pendingCandidates = [];
  }

  #stopTracks() {
    for (const track of this.#tracks) track.stop();
    this.#tracks.clear();
    this.localStream = null;
  }

  #setState(state) {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.#emit('videoState', { state, previous });
  }
}

// The widget's video: the agent's request with what will be shared, one tap to show the camera, the
// viewfinder (on a phone it fills the screen while live) with the agent's marks on it, Stop at any time,
// and every failure in words.

import { MarkLayer } from '../../static/picture-marks.js';

const STATE_WORDS = {
  requested: 'videoRequested',
  connecting: 'videoConnecting',
  live: 'videoLive',
  held: 'videoHeld',
  ended: 'videoEnded',
  failed: 'videoFailed',
};
const OPEN = new Set(['connecting', 'live', 'held']);

// The SDK's events carry codes; the customer reads each in the widget's language (the server's own
// sentences, in English, are the transcript's and the agent's).
export const PROBLEM_WORDS = { no_frames: 'problemNoFrames', not_decoding: 'problemNotDecoding', black_frames: 'problemBlack',
                        frozen: 'problemFrozen' };
const PREFERENCE_WORDS = { detail: 'preferDetail', smooth: 'preferSmooth' };
export const PHOTO_FAILURE_WORDS = { no_camera: 'photoNoCamera', capture_failed: 'photoCaptureFailed',
                              upload_failed: 'photoUploadFailed' };
const NETWORK_FAILURES = new Set(['ice_failed', 'no_relay', 'relay_failed']);
const CAMERA_FAILURES = new Set(['camera_denied', 'camera_missing', 'camera_busy', 'constraints_unsatisfiable']);

/** What sharing will mean, from the session the agent asked for. */
function consentWords(t, video) {
  const shared = t(video?.audioSource === 'microphone' ? 'consentCameraMic' : 'consentCamera');
  return `${t('videoRequested')} ${shared} ${t(video?.mode === 'two-way' ? 'consentTwoWay' : 'consentOneWay')}`;
}

/** How the video ended, from the session's record and the SDK's reason. */
export function endWords(t, { video = null, reason = null, by = null }) {
  const code = video?.failureReason ?? reason;
  if (NETWORK_FAILURES.has(code)) return t('videoEndNetwork');
  if (code === 'no_frames') return t('videoEndNoPicture');
  if (code === 'connection_lost' || code === 'video_connection_lost') return t.error('video_connection_lost');
  if (CAMERA_FAILURES.has(code)) return t.error(code);
  if (code === 'chat_ended') return t('videoAfterChat');
  if (code === 'transferred') return t('videoEndTransferred');
  if (code === 'queue_without_video') return t('videoEndNoVideoHere');
  if (video?.outcome === 'failed') return t('videoEndProblem');
  if (video?.outcome === 'declined') return t('videoDeclined');
  const endedBy = video?.endedBy ?? by;
  if (endedBy === 'customer') return t('videoEndedByYou');
  if (endedBy === 'agent') return t('videoEndedByAgent');
  return t('videoEnded');
}

export function cameraWords(t, action, value) {
  if (action === 'switch') return t('askSwitchCamera');
  if (action === 'torch') return t(value ? 'askTorchOn' : 'askTorchOff');
  return t(value === 'out' ? 'askZoomOut' : 'askZoomIn');
}

export class WidgetVideo {
  #chat;
  #banner;
  #ui;
  #t;
  #onChange;
  #markLayer = null;
  #photoOffer = false; // photo mode offered and not answered yet
  #stillsSent = 0;

  /** `onChange(state, open)` hears every refresh (the layout follows the video). */
  constructor(ui, chat, banner, t, onChange = () => {}) {
    this.#chat = chat;
    this.#banner = banner;
    this.#ui = ui;
    this.#t = t;
    this.#onChange = onChange;
    // startVideo is called straight from the click: the SDK asks for the camera before any await.
    ui.accept.addEventListener('click', () => this.#start());
    ui.offer.addEventListener('click', () => this.#start());
    ui.decline.addEventListener('click', () => chat.declineVideo());
    ui.stop.addEventListener('click', () => chat.stopVideo());

    chat.on('videoRequested', ({ video }) => {
      ui.prompt.textContent = consentWords(t, video);
      this.refresh();
      // The prompt appears with its section, too late for a live region inside it: one that is always
      // there announces it.
      ui.announcer.textContent = ui.prompt.textContent;
    });
    for (const event of ['videoState', 'videoStarted', 'videoHeld', 'videoResumed', 'localStream']) {
      chat.on(event, () => this.refresh());
    }
    // The agent's marks, at the same spot of the picture on the viewfinder (static/picture-marks.js).
    chat.on('mark', (mark) => {
      this.#markLayer ??= new MarkLayer(ui.self, { label: t('agentMarks'), testId: 'viewfinder-marks' });
      if (this.#markLayer.count === 0) ui.announcer.textContent = t('marksShown');
      this.#markLayer.set(mark);
      ui.clearMarks.hidden = false;
    });
    chat.on('marksCleared', () => this.#clearMarks());
    // Photo mode: offered when the agent's picture is too poor to read detail; the SDK sends the stills.
    ui.usePhotos.addEventListener('click', () => {
      this.#photoOffer = false;
      chat.usePhotos(true);
      this.refresh();
    });
    ui.keepVideo.addEventListener('click', () => {
      this.#photoOffer = false;
      chat.usePhotos(false); // the agent hears that the customer keeps the live video
      this.refresh();
    });
    ui.backToVideo.addEventListener('click', () => chat.usePhotos(false));
    chat.on('photoMode', ({ state }) => {
      this.#photoOffer = state === 'offered';
      if (state === 'on') this.#stillsSent = 0;
      const words = t({ offered: 'photoModeOffered', on: 'photoModeOn', off: 'photoModeOff' }[state] ?? 'videoLive');
      this.refresh(words);
      ui.announcer.textContent = words;
    });
    chat.on('stillSent', () => {
      this.#stillsSent += 1;
      this.refresh(`${t('photoModeOn')} ${t('stillsSent', { count: this.#stillsSent })}`);
    });
    ui.clearMarks.addEventListener('click', () => {
      this.#clearMarks();
      chat.clearMarks();
    });
    chat.on('remoteStream', ({ stream }) => {
      ui.agentVideo.srcObject = stream;
      ui.agentVideo.hidden = false;
    });
    chat.on('videoEnd', (ended) => this.refresh(endWords(t, ended)));
    // The network fights back: say so while the SDK tries again, and say what the agent cannot see.
    chat.on('videoRetrying', ({ how }) => this.refresh(t(how === 'relay' ? 'retryRelay' : 'retryRestart')));
    chat.on('videoProblem', ({ cause, text }) => this.refresh(PROBLEM_WORDS[cause] ? t(PROBLEM_WORDS[cause]) : text));
    // the agent's detail/smooth choice
    chat.on('videoPreference', ({ preference }) => this.refresh(t(PREFERENCE_WORDS[preference] ?? 'preferDetail')));
    // shown as it happens; Stop stays at hand
    chat.on('cameraRequest', ({ action, value }) => this.refresh(cameraWords(t, action, value)));
    // The agent's photo request: the still is taken from what is already shared, and shows in the chat.
    chat.on('photoRequested', () => this.refresh(t('photoRequested')));
    chat.on('photoSent', () => this.refresh(t('photoSent')));
    chat.on('photoFailed', ({ reason }) => this.refresh(t(PHOTO_FAILURE_WORDS[reason] ?? 'photoCaptureFailed')));
    for (const event of ['state', 'agentJoined', 'agentLeft']) chat.on(event, () => this.refresh());
    chat.on('chatEnded', () => this.refresh(chat.videoState === 'idle' ? null : t('videoAfterChat')));
  }

  #start() {
    this.#banner.hide();
    const promise = this.#chat.startVideo({ direction: this.#chat.videoSettings?.mode ?? 'one-way' });
    this.refresh();
    promise.then(() => this.refresh(), (error) => {
      if (error.code !== 'video_cancelled') this.#banner.show(error);
      this.refresh(this.#t.error(error.code) ?? error.message);
    });
  }

  #clearMarks() {
    this.#markLayer?.clear();
    this.#ui.clearMarks.hidden = true;
  }

  /** Show the state as the SDK has it; `words` replaces the default line for this state. */
  refresh(words = null) {
    const chat = this.#chat;
    const ui = this.#ui;
    const state = chat.videoState;
    const connected = chat.state === 'connected';
    const capable = chat.videoSettings !== null;
    const open = OPEN.has(state);
    ui.videoSection.hidden = !(capable && (connected || open || state !== 'idle'));
    ui.videoStatus.textContent = state;
    ui.videoSection.dataset.state = state;
    ui.videoWords.textContent = words ?? (STATE_WORDS[state] ? this.#t(STATE_WORDS[state]) : '');
    ui.prompt.hidden = state !== 'requested';
    ui.accept.hidden = state !== 'requested';
    ui.decline.hidden = state !== 'requested';
    ui.offer.hidden = !(connected && capable && !open && state !== 'requested');
    ui.stop.hidden = !open;
    const photos = open && Boolean(chat.video?.photoMode);
    if (!open) this.#photoOffer = false;
    ui.usePhotos.hidden = !(this.#photoOffer && state === 'live' && !photos);
    ui.keepVideo.hidden = ui.usePhotos.hidden;
    ui.backToVideo.hidden = !photos;
    const local = chat.localVideoStream;
    if (ui.self.srcObject !== local) ui.self.srcObject = local;
    ui.media.hidden = !open || !local;
    if (!open) {
      this.#clearMarks();
      ui.agentVideo.srcObject = null;
      ui.agentVideo.hidden = true;
    }
    this.#onChange(state, open && Boolean(local));
  }
}

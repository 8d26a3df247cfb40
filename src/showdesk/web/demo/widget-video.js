// The video part of the demo widget: the agent's request with what will be shared, one tap to show
// the camera, a preview of what the agent sees, Stop at any time, and every failure in words.

const WORDS = {
  idle: '',
  requested: 'The agent would like to see your product.',
  connecting: 'Connecting your camera…',
  live: 'The agent can see your camera.',
  held: 'The agent paused the video. Your camera sends nothing until they resume.',
  ended: 'Video ended. The chat goes on.',
  failed: 'Video could not start. The chat goes on.',
};

export class WidgetVideo {
  #chat;
  #banner;
  #ui;

  constructor(root, chat, banner) {
    this.#chat = chat;
    this.#banner = banner;
    const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      section: root.querySelector('#chat-video'),
      prompt: byTestId('video-prompt'),
      media: root.querySelector('.sdw-video__media'),
      self: byTestId('local-video'),
      agent: byTestId('agent-video'),
      status: byTestId('video-status'),
      words: byTestId('video-words'),
      accept: byTestId('video-accept'),
      decline: byTestId('video-decline'),
      offer: byTestId('video-offer'),
      stop: byTestId('video-stop'),
    };
    const ui = this.#ui;
    // startVideo is called straight from the click: the SDK asks for the camera before any await.
    ui.accept.addEventListener('click', () => this.#start());
    ui.offer.addEventListener('click', () => this.#start());
    ui.decline.addEventListener('click', () => chat.declineVideo());
    ui.stop.addEventListener('click', () => chat.stopVideo());

    chat.on('videoRequested', ({ text }) => {
      ui.prompt.textContent = text || WORDS.requested;
      this.refresh();
    });
    chat.on('videoState', () => this.refresh());
    chat.on('videoStarted', () => this.refresh());
    chat.on('videoHeld', () => this.refresh());
    chat.on('videoResumed', () => this.refresh());
    chat.on('remoteStream', ({ stream }) => {
      ui.agent.srcObject = stream;
      ui.agent.hidden = false;
    });
    chat.on('videoEnd', ({ text }) => this.refresh(text));
    // The network fights back: say so while the SDK tries again, and say what the agent cannot see.
    chat.on('videoRetrying', ({ text }) => this.refresh(text));
    chat.on('videoProblem', ({ text }) => this.refresh(text));
    chat.on('videoPreference', ({ text }) => this.refresh(text)); // the agent's detail/smooth choice
    chat.on('cameraRequest', ({ text }) => this.refresh(text)); // shown as it happens; Stop stays at hand
    // The agent's photo request: the still is taken from what is already shared, and shows in the chat.
    chat.on('photoRequested', () => this.refresh('The agent is taking a photo of what your camera shows…'));
    chat.on('photoSent', () => this.refresh('The photo was sent; it is in the chat.'));
    chat.on('photoFailed', ({ text }) => this.refresh(text));
    chat.on('localStream', () => this.refresh());
    for (const event of ['state', 'agentJoined', 'agentLeft', 'chatEnded']) chat.on(event, () => this.refresh());
  }

  #start() {
    this.#banner.hide();
    const promise = this.#chat.startVideo({ direction: this.#chat.videoSettings?.mode ?? 'one-way' });
    this.refresh();
    promise.then(() => this.refresh(), (error) => {
      if (error.code !== 'video_cancelled') this.#banner.show(error);
      this.refresh(error.message);
    });
  }

  /** Show the state as the SDK has it; `words` replaces the default line for this state. */
  refresh(words = null) {
    const chat = this.#chat;
    const ui = this.#ui;
    const state = chat.videoState;
    const connected = chat.state === 'connected';
    const capable = chat.videoSettings !== null;
    const open = state === 'connecting' || state === 'live' || state === 'held';
    ui.section.hidden = !(capable && (connected || open || state !== 'idle'));
    ui.status.textContent = state;
    ui.section.dataset.state = state;
    ui.words.textContent = words ?? WORDS[state] ?? '';
    ui.prompt.hidden = state !== 'requested';
    ui.accept.hidden = state !== 'requested';
    ui.decline.hidden = state !== 'requested';
    ui.offer.hidden = !(connected && capable && !open && state !== 'requested');
    ui.stop.hidden = !open;
    const local = chat.localVideoStream;
    if (ui.self.srcObject !== local) ui.self.srcObject = local;
    ui.media.hidden = !open || !local;
    if (!open) {
      ui.agent.srcObject = null;
      ui.agent.hidden = true;
    }
  }
}

// Telling an agent that work is waiting: a chime and a desktop notification for an offer, and the tab title
// counting offers and unread customer messages.
//
// Browsers let a page play sound and ask to notify only from a click: going on queue is that click
// (`prepare`). Without either permission the title and the offer card still say it all.

const TITLE = document.title;
export const ACCEPT_SHORTCUT = 'Alt+Shift+A';

export class WorkAlerts {
  #audio = null;
  #offers = 0;
  #unread = 0;

  /** Inside the "Go on queue" click: sound may play from now on, and notifications are asked for once. */
  prepare() {
    const AudioContext = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (AudioContext && !this.#audio) {
      try {
        this.#audio = new AudioContext();
      } catch {
        this.#audio = null;
      }
    }
    this.#audio?.resume?.().catch(() => {});
    if (globalThis.Notification?.permission === 'default') Notification.requestPermission().catch(() => {});
  }

  /** A new offer: a chime, and a notification when the desktop is not in front of the agent. */
  offer({ conversationId, customerName, queue }, focusOffer) {
    this.#chime();
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    if (globalThis.Notification?.permission !== 'granted') return;
    try {
      const note = new Notification('Incoming chat', {
        body: `${customerName || 'A customer'} · ${queue || 'No queue'}`,
        tag: `offer-${conversationId}`,
      });
      note.onclick = () => {
        window.focus();
        focusOffer();
        note.close();
      };
    } catch {
      // some browsers allow notifications only from a service worker: the chime and the title remain
    }
  }

  set offers(count) {
    this.#offers = count;
    this.#title();
  }

  set unread(count) {
    this.#unread = count;
    this.#title();
  }

  #title() {
    const waiting = this.#offers + this.#unread;
    const what = this.#offers ? 'Incoming chat' : 'New message';
    document.title = waiting ? `(${waiting}) ${what} — ${TITLE}` : TITLE;
  }

  #chime() {
    const audio = this.#audio;
    if (!audio || audio.state !== 'running') return;
    const now = audio.currentTime;
    for (const [at, frequency] of [[0, 880], [0.16, 1175]]) {
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, now + at);
      volume.gain.exponentialRampToValueAtTime(0.2, now + at + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.3);
      tone.connect(volume).connect(audio.destination);
      tone.start(now + at);
      tone.stop(now + at + 0.32);
    }
  }
}

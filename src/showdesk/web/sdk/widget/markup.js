// The widget's elements, built without markup strings (every text goes in as text), with the customer test
// ids of CONTRACT.md §5 and §7.

import { el, svg } from '../../static/dom.js';

const chatIcon = () => svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' },
  svg('path', { fill: 'currentColor',
    d: 'M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v8a2.5 2.5 0 0 1-2.5 2.5H11l-4.5 3.5V17A2.5 2.5 0 0 1 4 14.5z' }));

/** The widget's tree and the parts the code works with. */
export function buildWidget(options, t) {
  const ui = {};
  ui.status = el('p', { class: 'sdw-status', id: 'sdw-status', testid: 'chat-status', 'aria-live': 'polite',
    text: t('greeting') });
  ui.minimize = el('button', { class: 'sdw-icon-btn', type: 'button', 'aria-label': t('minimize') },
    svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' },
      svg('path', { d: 'M6 9l6 6 6-6', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round' })));
  ui.minimize.hidden = options.layout === 'fullscreen';
  const avatar = el('div', { class: 'sdw-header__avatar', 'aria-hidden': 'true' },
    options.logo ? el('img', { src: options.logo, alt: '' }) : chatIcon());
  const header = el('header', { class: 'sdw-header' }, avatar,
    el('div', { class: 'sdw-header__text' }, el('h2', { id: 'sdw-title', text: options.title ?? t('title') }), ui.status),
    ui.minimize);

  ui.connection = el('div', { class: 'sdw-connection', testid: 'connection-status', role: 'status', hidden: true });
  ui.bannerElement = el('div', { class: 'banner banner-error sdw-banner', testid: 'error-banner', hidden: true });

  ui.name = el('input', { class: 'input', id: 'sdw-name', testid: 'chat-name', name: 'displayName', autocomplete: 'name',
    maxlength: '100', placeholder: t('namePlaceholder'), required: true });
  ui.start = el('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'chat-start', text: t('start') });
  ui.startForm = el('form', { class: 'sdw-start', novalidate: true },
    el('p', { class: 'sdw-start__hello', text: t('hello') }),
    el('div', { class: 'field' }, el('label', { htmlFor: 'sdw-name', text: t('nameLabel') }), ui.name),
    ui.start,
    el('p', { class: 'sdw-fineprint', text: t('fineprint') }));

  // Video: the prompt, the viewfinder (what the customer shares) and the agent's picture, the buttons.
  ui.prompt = el('p', { class: 'sdw-video__prompt', testid: 'video-prompt', hidden: true });
  ui.self = el('video', { class: 'sdw-video__self', testid: 'local-video', autoplay: true, playsinline: true,
    'aria-label': t('selfView') });
  ui.self.muted = true;
  ui.agentVideo = el('video', { class: 'sdw-video__agent', testid: 'agent-video', autoplay: true, playsinline: true,
    'aria-label': t('agentView'), hidden: true });
  ui.media = el('div', { class: 'sdw-video__media', hidden: true }, ui.self, ui.agentVideo);
  // The state's name is a test hook (CONTRACT §5); the customer reads the words beside it.
  ui.videoStatus = el('span', { class: 'visually-hidden', testid: 'video-status', 'aria-hidden': 'true', text: 'idle' });
  ui.videoWords = el('span', { class: 'sdw-video__words', testid: 'video-words' });
  ui.accept = el('button', { class: 'btn btn-primary btn-sm', type: 'button', testid: 'video-accept', text: t('showCamera'), hidden: true });
  ui.decline = el('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'video-decline', text: t('notNow'), hidden: true });
  ui.offer = el('button', { class: 'btn btn-secondary btn-sm', type: 'button', testid: 'video-offer', text: t('showAgent'), hidden: true });
  ui.stop = el('button', { class: 'btn btn-danger btn-sm', type: 'button', testid: 'video-stop', text: t('stopVideo'), hidden: true });
  ui.clearMarks = el('button', { class: 'btn btn-secondary btn-sm', type: 'button', testid: 'clear-marks', text: t('clearMarks'), hidden: true });
  // Photo mode: offered when the link is too slow for a clear picture; on, until the customer goes back.
  ui.usePhotos = el('button', { class: 'btn btn-primary btn-sm', type: 'button', testid: 'photo-mode-accept', text: t('usePhotos'), hidden: true });
  ui.keepVideo = el('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'photo-mode-decline', text: t('keepVideo'), hidden: true });
  ui.backToVideo = el('button', { class: 'btn btn-secondary btn-sm', type: 'button', testid: 'photo-mode-off', text: t('backToVideo'), hidden: true });
  ui.videoSection = el('section', { class: 'sdw-video', 'aria-label': t('video'), hidden: true },
    ui.prompt, ui.media,
    el('div', { class: 'sdw-video__bar' },
      el('p', { class: 'sdw-video__status', 'aria-live': 'polite' }, ui.videoStatus, ui.videoWords),
      ui.accept, ui.decline, ui.offer, ui.usePhotos, ui.keepVideo, ui.backToVideo, ui.clearMarks, ui.stop));

  // The chat: on a phone with live video, a sheet over the viewfinder that the handle pulls up.
  ui.sheetHandle = el('button', { class: 'sdw-sheet__handle', type: 'button', testid: 'chat-sheet-handle',
    'aria-expanded': 'false', 'aria-label': t('showChat') });
  // Focusable: a keyboard scrolls it when it holds more than it shows.
  ui.logList = el('div', { class: 'chat-log sdw-log', testid: 'chat-log', role: 'log', 'aria-live': 'polite',
    'aria-label': t('chatMessages'), tabindex: '0' });
  ui.newMessage = el('button', { class: 'sdw-new-message', type: 'button', testid: 'chat-new-message', hidden: true },
    svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' },
      svg('path', { d: 'M12 5v14M6 13l6 6 6-6', fill: 'none', stroke: 'currentColor', 'stroke-width': '2.2', 'stroke-linecap': 'round' })),
    el('span', { text: t('newMessage') }));
  ui.input = el('textarea', { class: 'textarea sdw-input', id: 'sdw-input', testid: 'chat-input', rows: '1',
    maxlength: '4000', placeholder: t('messagePlaceholder'), enterkeyhint: 'send' });
  ui.send = el('button', { class: 'btn btn-primary sdw-send', type: 'submit', testid: 'chat-send', 'aria-label': t('send') },
    svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, svg('path', { d: 'M4 12l16-8-6 16-2-7z', fill: 'currentColor' })));
  // The customer's own image: the button opens the file picker (the input itself is never shown).
  ui.attach = el('button', { class: 'btn btn-ghost sdw-attach', type: 'button', testid: 'attach-file',
    'aria-label': t('attachFile'), title: t('attachFile') },
  svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, svg('path', { fill: 'none', stroke: 'currentColor',
    'stroke-width': '2', 'stroke-linecap': 'round', d: 'M20 11.5l-8.2 8.2a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L15 7.2' })));
  ui.attachInput = el('input', { type: 'file', testid: 'attach-input', accept: 'image/jpeg,image/png,image/webp',
    tabindex: '-1', 'aria-hidden': 'true', hidden: true });
  ui.composer = el('form', { class: 'sdw-composer' },
    el('label', { class: 'visually-hidden', htmlFor: 'sdw-input', text: t('messageLabel') }), ui.attach, ui.attachInput, ui.input, ui.send);
  ui.handoffOpen = el('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'handoff-open',
    text: t('handoffOpen'), hidden: true });
  ui.end = el('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'chat-end', text: t('end') });
  ui.restart = el('button', { class: 'btn btn-primary btn-sm', type: 'button', testid: 'chat-restart', text: t('restart'), hidden: true });
  // The customer's own transcript, saved as a web page or plain text (widget/transcript-file.js).
  ui.transcriptFormat = el('select', { class: 'input sdw-transcript__format', id: 'sdw-transcript-format',
    testid: 'transcript-format' },
  el('option', { value: 'html', text: t('transcriptHtml') }), el('option', { value: 'text', text: t('transcriptText') }));
  ui.transcriptDownload = el('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'transcript-download',
    text: t('transcriptDownload') });
  ui.transcript = el('div', { class: 'sdw-transcript' },
    el('label', { class: 'visually-hidden', htmlFor: 'sdw-transcript-format', text: t('transcriptFormat') }),
    ui.transcriptFormat, ui.transcriptDownload);
  ui.handoff = el('section', { class: 'sdw-handoff', testid: 'handoff', 'aria-label': t('handoffTitle'), hidden: true });
  ui.sheet = el('div', { class: 'sdw-sheet' },
    ui.sheetHandle,
    el('div', { class: 'sdw-logwrap' }, ui.logList, ui.newMessage),
    ui.typing = el('p', { class: 'sdw-typing', testid: 'typing-indicator', 'aria-live': 'polite', hidden: true }),
    ui.handoff,
    ui.composer,
    el('div', { class: 'sdw-actions' }, ui.handoffOpen, ui.end, ui.restart, ui.transcript));
  ui.conversation = el('div', { class: 'sdw-conversation', hidden: true }, ui.videoSection, ui.sheet);

  ui.panel = el('section', { class: 'sdw-panel', id: 'sdw-panel', role: 'dialog', 'aria-labelledby': 'sdw-title', hidden: true },
    header, ui.connection, ui.bannerElement, ui.startForm, ui.conversation);
  ui.launcherText = el('span', { text: options.launcherText ?? t('launcher') });
  ui.launcher = el('button', { class: 'sdw-launcher', type: 'button', testid: 'chat-open', 'aria-controls': 'sdw-panel',
    'aria-expanded': 'false', 'aria-label': options.launcherText ?? t('launcher') }, chatIcon(), ui.launcherText);
  ui.launcher.hidden = options.layout === 'fullscreen';
  // Said to screen readers whatever is open or closed: the agent asking to see the product.
  ui.announcer = el('p', { class: 'visually-hidden', role: 'status', testid: 'video-announcement' });
  ui.root = el('div', { class: 'sdw', lang: t.locale, dataset: { position: options.position, layout: options.layout } },
    ui.panel, ui.launcher, ui.announcer);
  return ui;
}

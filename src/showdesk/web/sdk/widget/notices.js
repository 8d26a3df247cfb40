// The transcript's system lines in the customer's language. The server stores each line as an English
// sentence with a code and its parameters (`message.notice`); a widget in another language words the codes
// it knows and leaves the server's sentence for any other (a newer server, a line from before codes were
// kept). An English widget shows the server's sentence itself.

import { PHOTO_FAILURE_WORDS, PROBLEM_WORDS, cameraWords, endWords } from './video.js';

const DEVICE_WORDS = { phone: 'deviceJoinedPhone', tablet: 'deviceJoinedTablet', computer: 'deviceJoinedComputer' };
const RETRY_WORDS = { relay: 'retryRelay', restart: 'retryRestart' };
const PHOTO_MODE_WORDS = { offered: 'photoModeOffered', on: 'photoModeOn', off: 'photoModeOff' };
const ENDED_BY_WORDS = { customer: 'endedByCustomer', agent: 'endedByAgent' };
const VIDEO_REFUSALS = new Set(['video_not_allowed', 'video_capacity']);

const WORDING = {
  agent_joined: (t, p) => t('joined', { name: p.name || t('anAgent') }),
  agent_disconnected: (t, p) => t('agentDisconnected', { name: p.name || t('theAgent') }),
  no_agent: (t) => t('noAgent'),
  no_queue: (t) => t('noQueue'),
  abandoned: (t) => t('abandoned'),
  chat_ended: (t, p) => t(ENDED_BY_WORDS[p.by] ?? 'chatEnded'),
  device_joined: (t, p) => (DEVICE_WORDS[p.device] ? t(DEVICE_WORDS[p.device]) : null),
  phone_suggested: (t) => t('phoneSuggested'),
  video_requested: (t) => t('videoRequested'),
  video_unavailable: (t, p) => (VIDEO_REFUSALS.has(p.reason) ? t.error(p.reason) : t.error('video_not_allowed')),
  video_consented: (t) => t('videoConsented'),
  video_retry: (t, p) => (RETRY_WORDS[p.how] ? t(RETRY_WORDS[p.how]) : null),
  video_problem: (t, p) => (PROBLEM_WORDS[p.cause] ? t(PROBLEM_WORDS[p.cause]) : null),
  video_ended: (t, p) => endWords(t, {
    video: { outcome: p.outcome ?? null, endedBy: p.endedBy ?? null, failureReason: p.reason ?? null },
  }),
  photo_mode: (t, p) => (PHOTO_MODE_WORDS[p.state] ? t(PHOTO_MODE_WORDS[p.state]) : null),
  camera_request: (t, p) => cameraWords(t, p.action, p.value),
  camera_result: (t, p) => (p.ok ? t('cameraChanged') : t.error('video_adjust_failed')),
  photo_requested: (t) => t('photoRequested'),
  photo_failed: (t, p) => t(PHOTO_FAILURE_WORDS[p.reason] ?? 'photoCaptureFailed'),
  video_monitored: (t) => t('videoMonitored'),
  video_monitor_ended: (t) => t('videoMonitorEnded'),
  transferred: (t, p) => t(p.to === 'agent' ? 'transferredToAgent' : 'transferredToQueue', { name: p.name || t('anAgent') }),
};

/** The system line `message` in the widget's words, or null to show the server's sentence. */
export function noticeWords(t, message) {
  const notice = message?.notice;
  const word = notice ? WORDING[notice.code] : null;
  return word ? word(t, notice.params ?? {}) : null;
}

export const NOTICE_CODES = Object.freeze(Object.keys(WORDING));

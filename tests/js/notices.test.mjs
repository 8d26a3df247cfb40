// The transcript's system lines in the customer's language (sdk/widget/notices.js): every code ShowDesk
// sends is worded in each language from its parameters, never from the server's English sentence.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './fakes.mjs';

const { LOCALES, wordsFor } = await sdk('words.js');
const { NOTICE_CODES, noticeWords } = await sdk('widget/notices.js');

// One line of each code, as the server sends it (docs/protocol.md).
const SAMPLES = {
  agent_joined: { name: 'Sam' },
  agent_disconnected: { name: 'Sam' },
  no_agent: {},
  no_queue: {},
  abandoned: {},
  chat_ended: { by: 'agent' },
  device_joined: { device: 'phone' },
  phone_suggested: {},
  video_requested: { name: 'Sam' },
  video_unavailable: { reason: 'video_capacity' },
  video_consented: {},
  video_retry: { how: 'relay' },
  video_problem: { cause: 'black_frames' },
  video_ended: { outcome: 'failed', endedBy: 'system', reason: 'ice_failed' },
  photo_mode: { state: 'offered', by: 'system' },
  camera_request: { name: 'Sam', action: 'torch', value: true },
  camera_result: { action: 'zoom', value: 'in', ok: false, reason: 'no_zoom' },
  photo_requested: { name: 'Sam' },
  photo_failed: { reason: 'upload_failed' },
  transferred: { to: 'queue', name: 'Billing' },
  video_monitored: {},
  video_monitor_ended: {},
};
const line = (code, params = SAMPLES[code]) => ({ from: 'system', text: 'English', notice: { code, params } });

describe('system lines', () => {
  test('every code the widget knows has a sample here', () => {
    assert.deepEqual([...NOTICE_CODES].sort(), Object.keys(SAMPLES).sort());
  });

  for (const locale of LOCALES) {
    test(`${locale}: every code is worded, and differently from English where the language is not`, () => {
      const t = wordsFor(locale);
      const en = wordsFor('en');
      for (const code of NOTICE_CODES) {
        const words = noticeWords(t, line(code));
        assert.equal(typeof words, 'string', code);
        assert.ok(words.length > 0 && !words.includes('{') && !words.includes('_'), `${locale} ${code}: ${words}`);
        if (locale !== 'en') assert.notEqual(words, noticeWords(en, line(code)), `${locale} ${code}`);
      }
    });
  }

  test('the parameters choose the sentence', () => {
    const t = wordsFor('de');
    assert.match(noticeWords(t, line('agent_joined', { name: 'Dana' })), /Dana/);
    assert.equal(noticeWords(t, line('chat_ended', { by: 'customer' })), t('endedByCustomer'));
    assert.equal(noticeWords(t, line('chat_ended', { by: 'agent' })), t('endedByAgent'));
    assert.equal(noticeWords(t, line('video_ended', { outcome: 'declined', endedBy: 'customer', reason: null })),
      t('videoDeclined'));
    assert.equal(noticeWords(t, line('video_problem', { cause: 'frozen' })), t('problemFrozen'));
  });

  test('a code or parameter the widget does not know leaves the server\'s sentence', () => {
    const t = wordsFor('fr');
    assert.equal(noticeWords(t, line('something_new', {})), null);
    assert.equal(noticeWords(t, line('video_retry', { how: 'teleport' })), null);
    assert.equal(noticeWords(t, { from: 'system', text: 'Welcome!' }), null); // a greeting: the site's own words
  });
});

// The customer's transcript as a file (sdk/widget/transcript-file.js): both sides' lines and the system's in
// the widget's words, photos as links to the server, everything typed escaped in the web page, whose only
// style is the one its Content-Security-Policy names by hash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sdk } from './fakes.mjs';

const { wordsFor } = await sdk('words.js');
const { TRANSCRIPT_CSS, TRANSCRIPT_CSS_HASH, TRANSCRIPT_CSP, transcriptFile } = await sdk('widget/transcript-file.js');

const AT = '2026-12-04T20:14:03.000Z';
const MESSAGES = [
  { id: 'm1', seq: 1, from: 'system', text: 'Dana joined', at: AT, notice: { code: 'agent_joined', params: { name: 'Dana' } } },
  { id: 'm2', seq: 2, from: 'customer', text: '<img src=x onerror=alert(1)> & "quotes"', at: AT, displayName: 'Ann' },
  { id: 'm3', seq: 3, from: 'agent', text: 'Line one\nline two', at: AT, displayName: 'Dana' },
  { id: 'm4', seq: 4, from: 'customer', text: '', at: AT, displayName: 'Ann',
    photo: { id: 'ph1', url: '/api/v2/conversations/c1/photos/ph1' } },
];
const options = (format, locale = 'en') => ({ format, t: wordsFor(locale), server: 'https://help.example',
                                              customerName: 'Ann', now: new Date(AT) });

test('the text file holds both sides, the system lines and photos as links', () => {
  const file = transcriptFile(MESSAGES, options('text'));
  assert.equal(file.name, 'chat-transcript-2026-12-04.txt');
  assert.equal(file.type, 'text/plain;charset=utf-8');
  assert.match(file.content, /^Chat transcript\n/);
  assert.match(file.content, /Dana joined/);
  assert.match(file.content, /\] Ann: <img src=x onerror=alert\(1\)> & "quotes"\n/, 'plain text is kept as typed');
  assert.match(file.content, /\] Dana: Line one\n {4}line two\n/);
  assert.match(file.content, /Photo: https:\/\/help\.example\/api\/v2\/conversations\/c1\/photos\/ph1/);
  assert.doesNotMatch(file.content, /Earlier messages/);
});

test('the web page escapes what was typed and allows no script, no request, only its own style', () => {
  const { content, name, type } = transcriptFile(MESSAGES, options('html'));
  assert.equal(name, 'chat-transcript-2026-12-04.html');
  assert.equal(type, 'text/html;charset=utf-8');
  assert.ok(content.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'));
  assert.ok(!content.includes('<img'), 'no element comes from a message');
  assert.ok(!/<script/i.test(content));
  assert.ok(content.includes(`<meta http-equiv="Content-Security-Policy" content="${TRANSCRIPT_CSP}">`));
  assert.match(TRANSCRIPT_CSP, /^default-src 'none';/);
  assert.equal(TRANSCRIPT_CSS_HASH, `sha256-${createHash('sha256').update(TRANSCRIPT_CSS).digest('base64')}`);
  assert.ok(content.includes(`<style>${TRANSCRIPT_CSS}</style>`));
  assert.ok(content.includes('<a href="https://help.example/api/v2/conversations/c1/photos/ph1" rel="noreferrer">Photo</a>'));
  assert.ok(content.includes('<strong>Dana</strong>') && content.includes('<strong>Ann</strong>'));
});

test("in the widget's language, with system lines worded from their codes", () => {
  const t = wordsFor('de');
  const systemText = (message) => (message.notice?.code === 'agent_joined' ? t('joined', message.notice.params) : null);
  const file = transcriptFile(MESSAGES, { ...options('html', 'de'), systemText });
  assert.ok(file.content.includes('<html lang="de">'));
  assert.ok(file.content.includes('<h1>Chatverlauf</h1>'));
  assert.ok(file.content.includes('Dana ist dazugekommen'));
  assert.ok(file.content.includes('>Foto</a>'));
});

test('a page that holds only the latest messages says earlier ones are missing', () => {
  const file = transcriptFile(MESSAGES.slice(2), options('text'));
  assert.match(file.content, /^Chat transcript\n\nEarlier messages are not included\.\n/);
});

test('only the customer, the agent and the system are in it', () => {
  const odd = [...MESSAGES, { id: 'm5', seq: 5, from: 'note', text: 'for agents only', at: AT }];
  assert.doesNotMatch(transcriptFile(odd, options('text')).content, /for agents only/);
});

// Laptop to phone in the SDK: createHandoff()/createHandoffLink() ask the server for the chat's one-time
// link with the chat's token; continueHandoff(code) redeems it (saying what kind of device this is) and
// resumes that chat from its first message; a used, expired or unknown code rejects with the server's code
// and sentence; the laptop hears `handoff` when the phone joins (the phone does not hear its own), and
// `phoneSuggested` when the agent suggests it; the video says which kind of device sends it.

import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, memoryStorage, sdk, settle } from './fakes.mjs';

const { createChat } = await sdk('webchat.js');
const { deviceKind, deviceIdOf } = await sdk('handoff.js');

globalThis.WebSocket = FakeWebSocket;

const CONFIG = { organizationId: 'org', deploymentId: 'dep', serverUrl: 'http://node-a' };
const PHONE_TOKEN = `h.${Buffer.from(JSON.stringify({ kind: 'guest', dev: 'd_phone', dvk: 'phone' }))
  .toString('base64url')}.s`;
let chats = [];
let requests = [];
let answers = [];

/** fetch as the server answers it: each call takes the next of `answers` ({status, body}). */
globalThis.fetch = async (url, init) => {
  requests.push({ url: String(url), method: init.method, headers: init.headers, body: JSON.parse(init.body) });
  const { status = 200, body } = answers.shift();
  return { ok: status < 400, status, json: async () => body };
};

function chat() {
  const made = createChat({ ...CONFIG, storage: memoryStorage() });
  chats.push(made);
  const events = [];
  for (const name of ['message', 'handoff', 'phoneSuggested']) made.on(name, (payload) => events.push([name, payload]));
  const seen = (name) => events.filter(([event]) => event === name).map(([, payload]) => payload);
  return { chat: made, seen };
}

const message = (seq, text = `line ${seq}`) => ({ id: `m${seq}`, seq, from: 'agent', text, at: null,
                                                  displayName: 'Dana', clientId: null });

async function laptop() {
  const customer = chat();
  const starting = customer.chat.startChat({ displayName: 'Ann' });
  FakeWebSocket.last.open();
  await settle();
  FakeWebSocket.last.receive({ type: 'started', conversationId: 'c1', token: 'laptop-token', participantId: 'p1',
                               lastSeq: 0 });
  await starting;
  return customer;
}

beforeEach(() => { FakeWebSocket.reset(); chats = []; requests = []; answers = []; });
afterEach(() => { for (const made of chats) made.disconnect(); });

test('the device kind comes from the client hints, else the user agent', () => {
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
  const pixel = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36';
  const tab = 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120 Safari/537.36';
  const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15';
  assert.equal(deviceKind({ userAgent: iphone }), 'phone');
  assert.equal(deviceKind({ userAgent: pixel }), 'phone');
  assert.equal(deviceKind({ userAgent: tab }), 'tablet');
  assert.equal(deviceKind({ userAgent: mac, maxTouchPoints: 5 }), 'tablet');
  assert.equal(deviceKind({ userAgent: mac, maxTouchPoints: 0 }), 'computer');
  assert.equal(deviceKind({ userAgent: 'X11; Linux x86_64', userAgentData: { mobile: true } }), 'phone');
  assert.equal(deviceKind({ userAgent: 'X11; Linux x86_64', userAgentData: { mobile: false } }), 'computer');
  assert.equal(deviceIdOf(PHONE_TOKEN), 'd_phone');
  assert.equal(deviceIdOf('laptop-token'), null);
});

test('a hand-off link is asked for with the chat\'s own token', async () => {
  const { chat: customer } = await laptop();
  const made = { code: 'abc', url: 'http://node-a/h/abc', expiresAt: '2026-12-03T10:10:00.000Z', qrSvg: '<svg/>' };
  answers.push({ status: 201, body: made }, { status: 201, body: { ...made, url: 'http://node-a/h/def' } });

  assert.deepEqual(await customer.createHandoff(), { url: made.url, expiresAt: made.expiresAt, qrSvg: '<svg/>' });
  assert.equal(await customer.createHandoffLink(), 'http://node-a/h/def');
  assert.equal(requests[0].url, 'http://node-a/api/v2/webchat/handoffs');
  assert.equal(requests[0].method, 'POST');
  assert.equal(requests[0].headers.Authorization, 'Bearer laptop-token');
});

test('no link before the chat has started', async () => {
  const { chat: customer } = chat();
  await assert.rejects(customer.createHandoff(), { code: 'chat_not_active' });
  assert.equal(requests.length, 0);
});

test('a refused link says why in the server\'s words', async () => {
  const { chat: customer } = await laptop();
  answers.push({ status: 409, body: { code: 'chat_ended', message: 'This chat has ended.' } });
  await assert.rejects(customer.createHandoffLink(), { code: 'chat_ended', message: 'This chat has ended.' });
});

test('the phone redeems the code and resumes the chat from its first message', async () => {
  const { chat: phone, seen } = chat();
  answers.push({ body: { token: PHONE_TOKEN, conversationId: 'c1', organizationId: 'org', deploymentId: 'dep',
                         displayName: 'Ann', state: 'connected', device: 'phone', deviceId: 'd_phone' } });

  const joining = phone.continueHandoff('the-code');
  await settle();
  assert.equal(requests[0].url, 'http://node-a/api/v2/webchat/handoffs/the-code/redeem');
  assert.deepEqual(Object.keys(requests[0].body), ['device']);
  FakeWebSocket.last.open();
  await settle();
  assert.deepEqual(FakeWebSocket.last.sent, [{ type: 'resume', token: PHONE_TOKEN, lastSeq: 0 }]);
  FakeWebSocket.last.receive({ type: 'resumed', conversationId: 'c1', state: 'connected', displayName: 'Ann',
                               messages: [message(1), message(2)], resync: false, video: null, videoRequest: null });

  assert.deepEqual(await joining, { conversationId: 'c1', state: 'connected', resumed: true });
  assert.deepEqual(seen('message').map((m) => m.text), ['line 1', 'line 2']);
  assert.equal(phone.displayName, 'Ann');

  FakeWebSocket.last.receive({ type: 'handoff', conversationId: 'c1', state: 'opened', device: 'phone',
                               deviceId: 'd_phone' });
  assert.deepEqual(seen('handoff'), [], 'the phone does not hear of itself');
});

for (const [status, code, words] of [
  [410, 'handoff_used', 'This link was already used. Ask for a new one on your computer.'],
  [410, 'handoff_expired', 'This link has expired. Ask for a new one on your computer.'],
  [404, 'handoff_not_found', 'This link does not work. Ask for a new one on your computer.'],
]) {
  test(`a ${code} code rejects with its sentence and opens nothing`, async () => {
    const { chat: phone } = chat();
    answers.push({ status, body: { code, message: words } });
    await assert.rejects(phone.continueHandoff('the-code'), { code, message: words });
    assert.equal(FakeWebSocket.made.length, 0);
    assert.equal(phone.state, 'idle');
  });
}

test('the laptop hears the phone join, and the agent\'s suggestion', async () => {
  const { seen } = await laptop();
  FakeWebSocket.last.receive({ type: 'handoff', conversationId: 'c1', state: 'opened', device: 'phone',
                               deviceId: 'd_phone' });
  FakeWebSocket.last.receive({ type: 'phoneSuggested', conversationId: 'c1', text: 'Use your phone.' });
  assert.deepEqual(seen('handoff'), [{ state: 'opened', device: 'phone' }]);
  assert.deepEqual(seen('phoneSuggested'), [{ text: 'Use your phone.' }]);
});

test('the laptop follows the video its phone sends without going live itself', async () => {
  const { chat: customer } = await laptop();
  const states = [];
  customer.on('videoState', ({ state }) => states.push(state));
  const session = { id: 'v1', conversationId: 'c1', state: 'requested', mode: 'one-way', device: null };
  FakeWebSocket.last.receive({ type: 'videoRequested', conversationId: 'c1', video: session, text: 'May I see?' });
  assert.equal(customer.videoState, 'requested');

  const sent = { ...session, state: 'connecting', device: 'phone' };
  FakeWebSocket.last.receive({ type: 'videoStarting', conversationId: 'c1', video: sent, text: 'Connecting video...' });
  FakeWebSocket.last.receive({ type: 'videoSignal', conversationId: 'c1', for: 'customer', sessionId: 'v1',
                               signal: 'answer', sdp: 'v=0', attempt: 0 });
  FakeWebSocket.last.receive({ type: 'videoStarted', conversationId: 'c1', video: { ...sent, state: 'live' },
                               text: 'Video is live.' });

  assert.equal(customer.videoState, 'idle', 'the request was answered on the phone');
  assert.deepEqual(states, ['requested', 'idle']);
  assert.equal(customer.video.device, 'phone');
  assert.deepEqual(FakeWebSocket.last.frames('videoSignal'), [], 'the laptop answers no signal');
});

test('a refusal is said in the browser\'s language where the catalogue has the words', async (t) => {
  const before = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { languages: ['de-DE', 'en'] }, configurable: true });
  t.after(() => {
    if (before) Object.defineProperty(globalThis, 'navigator', before);
    else delete globalThis.navigator;
  });
  const { chat: phone } = chat();
  answers.push({ status: 410, body: { code: 'handoff_used', message: 'This link was already used.' } });
  await assert.rejects(phone.continueHandoff('the-code'), {
    code: 'handoff_used', message: 'Dieser Link wurde schon benutzt. Fordern Sie auf Ihrem Computer einen neuen an.',
  });
});

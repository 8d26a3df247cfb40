// The chat's connection as the SDK's createChat() drives it: start, then after any drop a reconnect (the
// next server URL) that resumes from the last message seen and sends again what was not acknowledged;
// a node's restart (1012) at once; a chat taken over by another tab (4409) or a token refused (4401) ends
// the reconnecting. The server is played by the test over a fake WebSocket.

import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, memoryStorage, sdk, settle } from './fakes.mjs';

const { createChat } = await sdk('webchat.js');

globalThis.WebSocket = FakeWebSocket;

const CONFIG = { organizationId: 'org', deploymentId: 'dep', serverUrl: 'http://node-a',
                 serverUrls: ['http://node-b'] };
let chats = [];
const mocked = new WeakSet(); // the tests whose timers are Node's mock already

function chat(t, storage = memoryStorage()) {
  if (!mocked.has(t)) t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  mocked.add(t);
  const made = createChat({ ...CONFIG, storage });
  chats.push(made);
  const events = [];
  for (const name of ['connection', 'error', 'message', 'chatEnded']) made.on(name, (payload) => events.push([name, payload]));
  const seen = (name) => events.filter(([event]) => event === name).map(([, payload]) => payload);
  return { chat: made, storage, seen };
}

const message = (seq, text = `line ${seq}`) => ({ id: `m${seq}`, seq, from: 'agent', text, at: null,
                                                  displayName: 'Dana', clientId: null });

/** Starts a chat and has the server answer it; two agent messages arrive. */
async function started(t) {
  const customer = chat(t);
  const starting = customer.chat.startChat({ displayName: 'Ann' });
  FakeWebSocket.last.open();
  await settle();
  assert.deepEqual(FakeWebSocket.last.sent, [{ type: 'start', displayName: 'Ann' }]);
  FakeWebSocket.last.receive({ type: 'started', conversationId: 'c1', token: 'guest-token', participantId: 'p1',
                               lastSeq: 0 });
  assert.deepEqual(await starting, { conversationId: 'c1', state: 'queued', resumed: false });
  FakeWebSocket.last.receive({ type: 'message', conversationId: 'c1', ...message(1) });
  FakeWebSocket.last.receive({ type: 'message', conversationId: 'c1', ...message(2) });
  return customer;
}

/** The connection drops with `code`; the next one is opened once its wait is over. */
async function dropAndReconnect(t, code) {
  const before = FakeWebSocket.made.length;
  FakeWebSocket.last.drop(code);
  t.mock.timers.tick(10_000);
  assert.equal(FakeWebSocket.made.length, before + 1);
  FakeWebSocket.last.open();
  await settle();
  return FakeWebSocket.last;
}

beforeEach(() => { FakeWebSocket.reset(); chats = []; });
afterEach(() => { for (const made of chats) made.disconnect(); });

test('the first connection goes to the first server, for this deployment', async (t) => {
  await started(t);
  assert.equal(FakeWebSocket.made[0].url, 'ws://node-a/ws/v1/guest?organizationId=org&deploymentId=dep');
});

test('after a drop it resumes on the next server from the last message seen, then resends what was not acked',
  async (t) => {
    const { chat: customer, seen } = await started(t);
    const sending = customer.sendText('is anyone there?');
    const [first] = FakeWebSocket.last.frames('message');
    const ws = await dropAndReconnect(t, 1006);
    assert.equal(ws.url, 'ws://node-b/ws/v1/guest?organizationId=org&deploymentId=dep');
    assert.deepEqual(ws.sent, [{ type: 'resume', token: 'guest-token', lastSeq: 2 }], 'nothing before the resume');
    ws.receive({ type: 'resumed', conversationId: 'c1', state: 'queued', displayName: 'Ann',
                 messages: [message(3)], resync: false, video: null, videoRequest: null });
    await settle();
    assert.deepEqual(ws.frames('message'), [first], 'the same clientId: stored once');
    ws.receive({ type: 'ack', clientId: first.clientId, id: 'm4', seq: 4,
                 message: { ...message(4, 'is anyone there?'), from: 'customer', clientId: first.clientId } });
    assert.deepEqual(await sending, { id: 'm4', seq: 4, clientId: first.clientId });
    assert.deepEqual(customer.messages.map((m) => m.seq), [1, 2, 3, 4]);
    assert.deepEqual(seen('connection').map((c) => c.state), ['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
  });

test('a node that stops (1012) is left at once, without trouble to show', async (t) => {
  const { seen } = await started(t);
  FakeWebSocket.last.drop(1012, 'service restart');
  const reconnecting = seen('connection').at(-1);
  assert.deepEqual([reconnecting.state, reconnecting.restart, reconnecting.delayMs], ['reconnecting', true, 0]);
  t.mock.timers.tick(0);
  FakeWebSocket.last.open();
  await settle();
  assert.equal(FakeWebSocket.last.frames('resume').length, 1);
  assert.deepEqual(seen('error'), []);
});

test('taken over by another tab (4409): no reconnect, said once, the chat kept for resumeChat', async (t) => {
  const { chat: customer, seen } = await started(t);
  FakeWebSocket.last.receive({ type: 'error', code: 'session_replaced', message: 'Opened elsewhere.' });
  FakeWebSocket.last.drop(4409, 'session_replaced');
  t.mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.made.length, 1);
  assert.deepEqual(seen('error').map((e) => e.code), ['session_replaced']);
  assert.equal(customer.connectionState, 'closed');
  assert.equal(customer.hasSavedSession(), true);
});

test('a refused token (4401) ends it: no reconnect, the saved chat forgotten', async (t) => {
  const { chat: customer, seen } = await started(t);
  FakeWebSocket.last.drop(4401);
  t.mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.made.length, 1);
  assert.deepEqual(seen('error').map((e) => e.code), ['not_authenticated']);
  assert.equal(customer.hasSavedSession(), false);
  assert.equal(customer.state, 'ended');
});

test('a forbidden origin (4403) on the first connection fails startChat', async (t) => {
  const { chat: customer } = chat(t);
  const starting = customer.startChat({ displayName: 'Ann' });
  FakeWebSocket.last.open();
  await settle();
  FakeWebSocket.last.receive({ type: 'error', code: 'origin_not_allowed', message: 'Not from here.' });
  FakeWebSocket.last.drop(4403);
  await assert.rejects(starting, { code: 'origin_not_allowed' });
  t.mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.made.length, 1);
});

test('a reloaded page resumes its saved chat from the start of the transcript', async (t) => {
  const { storage } = await started(t);
  const { chat: reloaded } = chat(t, storage);
  const resuming = reloaded.resumeChat();
  FakeWebSocket.last.open();
  await settle();
  assert.deepEqual(FakeWebSocket.last.sent, [{ type: 'resume', token: 'guest-token', lastSeq: 0 }]);
  FakeWebSocket.last.receive({ type: 'resumed', conversationId: 'c1', state: 'queued', displayName: 'Ann',
                               messages: [message(1), message(2)], resync: false, video: null, videoRequest: null });
  assert.deepEqual(await resuming, { conversationId: 'c1', state: 'queued', resumed: true });
  assert.equal(reloaded.displayName, 'Ann');
});

// Seen receipts in the SDK: the customer's page says which of the agent's messages it has shown (at once,
// then at most one every 1.5 s, always going further, only while the chat is shown and an agent is in it,
// again after a lost connection), and the page hears what the agent's desktop has shown.

import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, memoryStorage, sdk, settle } from './fakes.mjs';

const { createChat } = await sdk('webchat.js');
const { SEEN_PACE_MS, SeenSender, latestFrom } = await sdk('seen.js');

globalThis.WebSocket = FakeWebSocket;
let chats = [];

async function connectedChat(t, { agentJoined = true } = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  const chat = createChat({ organizationId: 'org', deploymentId: 'dep', serverUrl: 'http://node-a',
                            storage: memoryStorage() });
  chats.push(chat);
  const seen = [];
  chat.on('seen', (event) => seen.push(event));
  const starting = chat.startChat({ displayName: 'Ann' });
  FakeWebSocket.last.open();
  await settle();
  FakeWebSocket.last.receive({ type: 'started', conversationId: 'c1', token: 'guest-token', participantId: 'p1',
                               lastSeq: 0 });
  await starting;
  if (agentJoined) {
    FakeWebSocket.last.receive({ type: 'agentJoined', conversationId: 'c1', agentName: 'Dana', video: null });
  }
  return { chat, seen, ws: FakeWebSocket.last };
}

const line = (seq, from, text = 'hello') => ({ type: 'message', conversationId: 'c1', id: `m${seq}`, seq, from, text,
                                               at: null, displayName: from === 'agent' ? 'Dana' : 'Ann',
                                               clientId: `k${seq}` });
const told = (ws) => ws.frames('seen').map((frame) => frame.upTo);

beforeEach(() => { FakeWebSocket.reset(); chats = []; });
afterEach(() => { for (const made of chats) made.disconnect(); });

test("the agent's messages are said seen at once, then paced, always with the latest", async (t) => {
  const { ws } = await connectedChat(t);
  ws.receive(line(1, 'customer'));
  assert.deepEqual(told(ws), [], "the customer's own line is nothing to report");
  ws.receive(line(2, 'agent'));
  assert.deepEqual(told(ws), [2]);
  ws.receive(line(3, 'agent'));
  ws.receive(line(4, 'agent'));
  assert.deepEqual(told(ws), [2], 'paced');
  t.mock.timers.tick(SEEN_PACE_MS);
  assert.deepEqual(told(ws), [2, 4], 'the latest, once');
  ws.receive(line(4, 'agent'));
  t.mock.timers.tick(SEEN_PACE_MS * 3);
  assert.deepEqual(told(ws), [2, 4], 'nothing new: nothing said');
});

test('nothing is said while the page does not show the chat; showing it says what came meanwhile', async (t) => {
  const { chat, ws } = await connectedChat(t);
  chat.setShown(false);
  ws.receive(line(1, 'agent'));
  ws.receive(line(2, 'agent'));
  t.mock.timers.tick(SEEN_PACE_MS);
  assert.deepEqual(told(ws), []);
  chat.setShown(true);
  assert.deepEqual(told(ws), [2]);
});

test('nothing is said before an agent is in the chat', async (t) => {
  const { ws } = await connectedChat(t, { agentJoined: false });
  ws.receive(line(1, 'agent'));
  t.mock.timers.tick(SEEN_PACE_MS);
  assert.deepEqual(told(ws), []);
});

test("the agent's receipt reaches the page as { by: 'agent', upTo }; the customer's own echo does not", async (t) => {
  const { seen, ws } = await connectedChat(t);
  ws.receive({ type: 'seen', conversationId: 'c1', by: 'customer', upTo: 3, for: 'agent' });
  ws.receive({ type: 'seen', conversationId: 'c1', by: 'agent', upTo: 'x', for: 'customer' });
  ws.receive({ type: 'seen', conversationId: 'c1', by: 'agent', upTo: 5, for: 'customer' });
  assert.deepEqual(seen, [{ by: 'agent', upTo: 5 }]);
});

test('a receipt the connection could not carry is said when it is back', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const sent = [];
  let up = false;
  const sender = new SeenSender((upTo) => { if (!up) return false; sent.push(upTo); return true; });
  sender.seen(3);
  assert.deepEqual(sent, []);
  assert.equal(sender.told, 0);
  up = true;
  sender.flush();
  assert.deepEqual(sent, [3]);
  sender.seen(2);
  sender.seen(3);
  t.mock.timers.tick(SEEN_PACE_MS * 2);
  assert.deepEqual(sent, [3], 'never one that says no more than the last');
  sender.reset();
  sender.seen(1);
  assert.deepEqual(sent, [3, 1], 'another chat starts afresh');
});

test('latestFrom finds the seq of the latest message of one side', () => {
  const messages = [{ seq: 1, from: 'customer' }, { seq: 2, from: 'agent' }, { seq: 3, from: 'system' }];
  assert.equal(latestFrom(messages, 'agent'), 2);
  assert.equal(latestFrom(messages, 'customer'), 1);
  assert.equal(latestFrom([], 'agent'), 0);
});

// Typing indicators in the SDK: what the customer's keystrokes put on the wire (a start at once, again
// every 3 s while typing goes on, "stopped" after 5 s without a key or when the field is left, nothing
// for a sent message and nothing before an agent is in the chat), and what the page hears of the
// agent's typing (changes only; hidden after 6 s without a new start and when the agent's message comes).

import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, memoryStorage, sdk, settle } from './fakes.mjs';

const { createChat } = await sdk('webchat.js');
const { TYPING_IDLE_MS, TYPING_REFRESH_MS, TYPING_SHOWN_MS } = await sdk('typing.js');

globalThis.WebSocket = FakeWebSocket;
let chats = [];

async function connectedChat(t, { agentJoined = true } = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  const chat = createChat({ organizationId: 'org', deploymentId: 'dep', serverUrl: 'http://node-a',
                            storage: memoryStorage() });
  chats.push(chat);
  const typing = [];
  chat.on('typing', (event) => typing.push(event));
  const starting = chat.startChat({ displayName: 'Ann' });
  FakeWebSocket.last.open();
  await settle();
  FakeWebSocket.last.receive({ type: 'started', conversationId: 'c1', token: 'guest-token', participantId: 'p1',
                               lastSeq: 0 });
  await starting;
  if (agentJoined) {
    FakeWebSocket.last.receive({ type: 'agentJoined', conversationId: 'c1', agentName: 'Dana', video: null });
  }
  return { chat, typing, ws: FakeWebSocket.last };
}

const said = (ws) => ws.frames('typing').map((frame) => frame.active);

beforeEach(() => { FakeWebSocket.reset(); chats = []; });
afterEach(() => { for (const made of chats) made.disconnect(); });

test('keystrokes say typing at once, again every 3 s while it goes on, and stopped after 5 s without a key',
  async (t) => {
    const { chat, ws } = await connectedChat(t);
    chat.sendTyping();
    chat.sendTyping();
    assert.deepEqual(said(ws), [true], 'one start for a burst of keys');
    for (let ms = 0; ms < TYPING_REFRESH_MS; ms += 500) {
      t.mock.timers.tick(500);
      chat.sendTyping();
    }
    assert.deepEqual(said(ws), [true, true], 'said again while the typing goes on');
    t.mock.timers.tick(TYPING_IDLE_MS);
    assert.deepEqual(said(ws), [true, true, false]);
    t.mock.timers.tick(60_000);
    assert.deepEqual(said(ws), [true, true, false], 'nothing more while nobody types');
  });

test('leaving the field says stopped once; sending the message says nothing more', async (t) => {
  const { chat, ws } = await connectedChat(t);
  chat.sendTyping();
  chat.sendTyping(false);
  chat.sendTyping(false);
  assert.deepEqual(said(ws), [true, false]);
  chat.sendTyping();
  chat.sendText('it will not heat').catch(() => {});
  t.mock.timers.tick(TYPING_IDLE_MS * 2);
  assert.deepEqual(said(ws), [true, false, true], 'the message itself ends the typing on the agent side');
  chat.sendTyping();
  assert.deepEqual(said(ws), [true, false, true, true], 'the next message starts afresh');
});

test('nothing is said before an agent is in the chat', async (t) => {
  const { chat, ws } = await connectedChat(t, { agentJoined: false });
  chat.sendTyping();
  t.mock.timers.tick(TYPING_IDLE_MS);
  assert.deepEqual(said(ws), []);
});

test("the agent's typing is told on changes, and hidden by their message or 6 s without a new start",
  async (t) => {
    const { typing, ws } = await connectedChat(t);
    ws.receive({ type: 'typing', conversationId: 'c1', from: 'agent', active: true });
    ws.receive({ type: 'typing', conversationId: 'c1', from: 'agent', active: true });
    assert.deepEqual(typing, [{ from: 'agent', active: true }]);
    ws.receive({ type: 'message', conversationId: 'c1', id: 'm1', seq: 1, from: 'agent', text: 'Can you show me?',
                 at: null, displayName: 'Dana', clientId: 'a1' });
    assert.deepEqual(typing.at(-1), { from: 'agent', active: false }, 'the message ends it');
    ws.receive({ type: 'typing', conversationId: 'c1', from: 'agent', active: true });
    t.mock.timers.tick(TYPING_SHOWN_MS - 100);
    assert.equal(typing.at(-1).active, true);
    t.mock.timers.tick(200);
    assert.deepEqual(typing.at(-1), { from: 'agent', active: false }, 'a lost "stopped" never leaves it on');
    assert.equal(typing.length, 4);
  });

test("the customer's own typing, echoed by another device's socket, is not the agent's", async (t) => {
  const { typing, ws } = await connectedChat(t);
  ws.receive({ type: 'typing', conversationId: 'c1', from: 'customer', active: true });
  assert.deepEqual(typing, []);
});

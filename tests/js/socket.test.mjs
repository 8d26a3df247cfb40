// The SDK's one WebSocket client (sdk/socket.js, also the agent desktop's): connect and handshake, the
// backoff between reconnects, the next server URL each time, the close codes that stop it, a node's restart
// (1012), the heartbeat, and a renewed connection keeping what waits to be sent. Timers are Node's mock.

import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, networkChanged, sdk, settle } from './fakes.mjs';

const { ShowDeskSocket, backoffDelay, toWebSocketUrl } = await sdk('socket.js');

function socketOn(t, options = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  const socket = new ShowDeskSocket({ url: ['ws://node-a/', 'ws://node-b/'], WebSocketImpl: FakeWebSocket,
                                      ...options });
  const states = [];
  socket.on('state', (event) => states.push(event));
  t.after(() => socket.close());
  return { socket, states };
}

/** Connects and lets the handshake finish. */
async function opened(socket) {
  FakeWebSocket.last.open();
  await settle();
  assert.equal(socket.isReady, true);
  return FakeWebSocket.last;
}

beforeEach(() => FakeWebSocket.reset());

describe('connecting', () => {
  test('the handshake goes first; what was sent meanwhile follows it, in order', async (t) => {
    let answer;
    const { socket, states } = socketOn(t, {
      onOpen: ({ send }) => { send({ type: 'resume' }); return new Promise((resolve) => { answer = resolve; }); },
    });
    socket.connect();
    assert.equal(socket.send({ type: 'message', n: 1 }), false);
    FakeWebSocket.last.open();
    await settle();
    socket.send({ type: 'message', n: 2 });
    assert.deepEqual(FakeWebSocket.last.sent, [{ type: 'resume' }]);
    assert.equal(socket.isReady, false);
    answer();
    await settle();
    assert.deepEqual(FakeWebSocket.last.sent.map((f) => f.n ?? f.type), ['resume', 1, 2]);
    assert.deepEqual(states.map((s) => s.state), ['connecting', 'open']);
  });

  test('a frame that is not JSON is reported, not thrown', async (t) => {
    const { socket } = socketOn(t);
    const errors = [];
    const frames = [];
    socket.on('transportError', (error) => errors.push(error));
    socket.on('frame', (frame) => frames.push(frame));
    socket.connect();
    const ws = await opened(socket);
    ws.onmessage({ data: 'not json' });
    ws.receive({ type: 'ping' });
    ws.receive({ type: 'routing', state: 'queued' });
    assert.equal(errors.length, 1);
    assert.deepEqual(frames, [{ type: 'routing', state: 'queued' }]);
    assert.deepEqual(ws.sent, [{ type: 'pong' }]);
  });

  test('the server URL becomes the socket path over ws or wss', () => {
    assert.equal(toWebSocketUrl('https://chat.example', '/ws/v1/guest', { organizationId: 'o 1' }),
      'wss://chat.example/ws/v1/guest?organizationId=o+1');
    assert.equal(toWebSocketUrl('http://127.0.0.1:8080', '/ws/v1/agent'), 'ws://127.0.0.1:8080/ws/v1/agent');
  });
});

describe('reconnecting', () => {
  test('backoff doubles from 500 ms to at most 10 s, with equal jitter', () => {
    const low = [0, 1, 2, 3, 4, 5, 30].map((attempt) => backoffDelay(attempt, { random: () => 0 }));
    const high = [0, 1, 2, 3, 4, 5, 30].map((attempt) => backoffDelay(attempt, { random: () => 1 }));
    assert.deepEqual(low, [250, 500, 1000, 2000, 4000, 5000, 5000]);
    assert.deepEqual(high, [500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });

  test('a dropped connection waits its backoff, then tries the next server URL, round the list', async (t) => {
    const { socket, states } = socketOn(t, { backoff: { baseMs: 1000, maxMs: 1000 } });
    socket.connect();
    await opened(socket);
    const urls = [];
    for (let drop = 0; drop < 3; drop += 1) {
      FakeWebSocket.last.drop(1006);
      const { delayMs } = states.at(-1);
      assert.ok(delayMs >= 500 && delayMs <= 1000, `waits ${delayMs} ms`);
      const before = FakeWebSocket.made.length;
      t.mock.timers.tick(delayMs - 1);
      assert.equal(FakeWebSocket.made.length, before, 'not before its time');
      t.mock.timers.tick(1);
      assert.equal(FakeWebSocket.made.length, before + 1);
      urls.push(FakeWebSocket.last.url);
    }
    assert.deepEqual(urls, ['ws://node-b/', 'ws://node-a/', 'ws://node-b/']);
    assert.deepEqual(states.filter((s) => s.state === 'reconnecting' && s.code).map((s) => s.attempt), [1, 2, 3]);
  });

  test('each failed attempt waits longer; a completed handshake starts again from the first step', async (t) => {
    const { socket, states } = socketOn(t, { backoff: { baseMs: 1000, maxMs: 60_000 } });
    socket.connect();
    const waits = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      FakeWebSocket.last.drop(1006); // never opened
      waits.push(states.at(-1).delayMs);
      t.mock.timers.tick(states.at(-1).delayMs);
    }
    assert.ok(waits.every((ms, i) => ms >= 500 * 2 ** i && ms <= 1000 * 2 ** i), `waits ${waits}`);
    await opened(socket);
    FakeWebSocket.last.drop(1006);
    assert.ok(states.at(-1).delayMs <= 1000, 'back to the first step after a good connection');
  });

  test('the network coming back skips the wait', async (t) => {
    const { socket } = socketOn(t, { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    socket.connect();
    await opened(socket);
    FakeWebSocket.last.drop(1006);
    const before = FakeWebSocket.made.length;
    networkChanged();
    assert.equal(FakeWebSocket.made.length, before + 1);
  });

  test('a node that stops (1012) is left at once for the next URL, and it is said to be a restart', async (t) => {
    const { socket, states } = socketOn(t);
    socket.connect();
    await opened(socket);
    FakeWebSocket.last.drop(1012, 'service restart');
    const reconnecting = states.at(-1);
    assert.deepEqual([reconnecting.state, reconnecting.delayMs, reconnecting.restart], ['reconnecting', 0, true]);
    t.mock.timers.tick(0);
    assert.equal(FakeWebSocket.last.url, 'ws://node-b/');
    await opened(socket);
  });

  test('a server that keeps answering 1012 before any handshake gets the usual backoff', async (t) => {
    const { socket, states } = socketOn(t);
    socket.connect();
    await opened(socket);
    FakeWebSocket.last.drop(1012);
    t.mock.timers.tick(0);
    FakeWebSocket.last.drop(1012); // the next node is stopping too, and never opened
    assert.equal(states.at(-1).restart, false);
    assert.ok(states.at(-1).delayMs >= 250);
  });

  test('any other drop is not a restart', async (t) => {
    const { socket, states } = socketOn(t);
    socket.connect();
    await opened(socket);
    FakeWebSocket.last.drop(1006);
    assert.equal(states.at(-1).restart, false);
    assert.ok(states.at(-1).delayMs >= 250);
  });
});

describe('close codes that end it', () => {
  for (const code of [4401, 4403]) {
    test(`${code} closes for good by default: no reconnect, nothing kept to send`, async (t) => {
      const { socket, states } = socketOn(t);
      socket.connect();
      await opened(socket);
      FakeWebSocket.last.drop(code, 'token_invalid');
      assert.deepEqual(states.at(-1), { state: 'closed', code, reason: 'token_invalid', fatal: true });
      assert.equal(socket.send({ type: 'message' }), false);
      assert.equal(socket.queuedFrames, 0);
      t.mock.timers.tick(60_000);
      assert.equal(FakeWebSocket.made.length, 1);
    });
  }

  test('4409 (replaced by another tab) ends it where the caller says so, as the chat does', async (t) => {
    const { socket, states } = socketOn(t, { fatalCloseCodes: [4401, 4403, 4409] });
    socket.connect();
    await opened(socket);
    FakeWebSocket.last.drop(4409, 'session_replaced');
    assert.equal(states.at(-1).fatal, true);
    t.mock.timers.tick(60_000);
    assert.equal(FakeWebSocket.made.length, 1);
  });

  test('4409 is retried where the caller does not say so', async (t) => {
    const { socket, states } = socketOn(t);
    socket.connect();
    await opened(socket);
    FakeWebSocket.last.drop(4409);
    assert.equal(states.at(-1).state, 'reconnecting');
  });

  test('close() by the page stops reconnecting and drops the queue', async (t) => {
    const { socket, states } = socketOn(t);
    socket.connect();
    const ws = await opened(socket);
    socket.close();
    assert.deepEqual(ws.closedWith, { code: 1000, reason: 'client closed' });
    assert.equal(states.at(-1).byClient, true);
    t.mock.timers.tick(60_000);
    assert.equal(FakeWebSocket.made.length, 1);
  });
});

describe('a connection that went quiet', () => {
  test('pings every interval; with nothing heard for three it gives up (4408) and reconnects', async (t) => {
    const { socket, states } = socketOn(t, { pingIntervalMs: 1000 });
    socket.connect();
    const ws = await opened(socket);
    t.mock.timers.tick(1000);
    assert.deepEqual(ws.frames('ping').length, 1);
    ws.receive({ type: 'pong' });
    t.mock.timers.tick(3000);
    assert.equal(states.at(-1).state, 'open', 'a pong counts as life');
    t.mock.timers.tick(1000);
    assert.equal(ws.closedWith.reason, 'heartbeat lost');
    assert.deepEqual([states.at(-1).state, states.at(-1).code], ['reconnecting', 4408]);
  });

  test('renew() replaces a connection at once and keeps what waits to be sent', async (t) => {
    const { socket } = socketOn(t);
    socket.connect();
    const old = await opened(socket);
    socket.renew('network changed');
    assert.deepEqual(old.closedWith, { code: 4000, reason: 'network changed' });
    socket.send({ type: 'message', n: 1 });
    assert.equal(socket.queuedFrames, 1);
    const fresh = await opened(socket);
    assert.notEqual(fresh, old);
    assert.deepEqual(fresh.sent, [{ type: 'message', n: 1 }]);
  });
});

// The customer's peer connection watched (sdk/connection-watch.js): when a first connection never comes
// (ICE failed, or checking too long: longer for the relay), and when one that worked is lost (failed,
// disconnected too long, the network changed, no reconnect after a restart). Once per episode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePeerConnection, networkChanged, sdk } from './fakes.mjs';

const { ConnectionWatch, LIMITS } = await sdk('connection-watch.js');

function watched(t, { relay = false } = {}) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const pc = new FakePeerConnection({});
  const said = [];
  const watch = new ConnectionWatch(pc, { relay }, {
    // ICE's state and the connection's both say so: one 'connected' per episode is what the caller sees
    connected: () => { if (said.at(-1) !== 'connected') said.push('connected'); },
    neverConnected: (reason) => said.push(`never: ${reason}`),
    lost: (reason) => said.push(`lost: ${reason}`),
  });
  t.after(() => watch.stop());
  return { pc, said, watch };
}

test('checking longer than the limit means the network blocks the direct path', (t) => {
  const { pc, said } = watched(t);
  pc.ice('checking');
  t.mock.timers.tick(LIMITS.checkingMs - 1);
  assert.deepEqual(said, []);
  t.mock.timers.tick(1);
  assert.deepEqual(said, ['never: checking_timeout']);
  t.mock.timers.tick(60_000);
  assert.deepEqual(said, ['never: checking_timeout'], 'said once');
});

test('the relay attempt gets longer to check (it allocates on the TURN server first)', (t) => {
  const { pc, said } = watched(t, { relay: true });
  pc.ice('checking');
  t.mock.timers.tick(LIMITS.checkingMs);
  assert.deepEqual(said, []);
  t.mock.timers.tick(LIMITS.relayCheckingMs - LIMITS.checkingMs);
  assert.deepEqual(said, ['never: checking_timeout']);
});

test('checking that never even begins times out after the limit and the offer grace', (t) => {
  const { said } = watched(t);
  t.mock.timers.tick(LIMITS.checkingMs + LIMITS.offerGraceMs - 1);
  assert.deepEqual(said, []);
  t.mock.timers.tick(1);
  assert.deepEqual(said, ['never: checking_timeout']);
});

test('ICE failing before any connection is said at once', (t) => {
  const { pc, said } = watched(t);
  pc.ice('checking');
  pc.ice('failed');
  assert.deepEqual(said, ['never: ice_failed']);
});

test('connected in time: no timeout later', (t) => {
  const { pc, said, watch } = watched(t);
  pc.ice('checking');
  pc.ice('connected');
  t.mock.timers.tick(60_000);
  assert.deepEqual(said, ['connected']);
  assert.equal(watch.everConnected, true);
});

test('a short disconnection heals itself; a long one is a lost connection', (t) => {
  const { pc, said } = watched(t);
  pc.ice('connected');
  pc.ice('disconnected');
  t.mock.timers.tick(LIMITS.disconnectedMs - 1);
  pc.ice('connected');
  t.mock.timers.tick(60_000);
  assert.deepEqual(said, ['connected']);
  pc.ice('disconnected');
  t.mock.timers.tick(LIMITS.disconnectedMs);
  assert.deepEqual(said, ['connected', 'lost: disconnected']);
});

test('a connection that worked and then failed is lost, not never connected', (t) => {
  const { pc, said } = watched(t);
  pc.ice('connected');
  pc.ice('failed');
  assert.deepEqual(said, ['connected', 'lost: ice_failed']);
});

test('the device changing networks loses a connection that worked (only one that worked)', (t) => {
  const { pc, said } = watched(t);
  networkChanged();
  assert.deepEqual(said, []);
  pc.ice('connected');
  networkChanged();
  assert.deepEqual(said, ['connected', 'lost: network_change']);
});

test('after an ICE restart the connection must come back in time; one episode at a time', (t) => {
  const { pc, said, watch } = watched(t);
  pc.ice('connected');
  watch.expectReconnect();
  networkChanged(); // already being restarted: not a second episode
  pc.ice('disconnected');
  t.mock.timers.tick(LIMITS.reconnectMs - 1);
  assert.deepEqual(said, ['connected']);
  t.mock.timers.tick(1);
  assert.deepEqual(said, ['connected', 'lost: restart_timeout']);
});

test('a restart that reconnects clears its timer', (t) => {
  const { pc, said, watch } = watched(t);
  pc.ice('connected');
  watch.expectReconnect();
  pc.ice('checking');
  pc.ice('connected');
  t.mock.timers.tick(60_000);
  assert.deepEqual(said, ['connected']);
});

test('stopped, it says nothing more and listens to nothing', (t) => {
  const { pc, said, watch } = watched(t);
  pc.ice('connected');
  watch.stop();
  pc.ice('failed');
  networkChanged();
  t.mock.timers.tick(60_000);
  assert.deepEqual(said, ['connected']);
});

test('quiet (photo mode) keeps a loss untold; it is told when quiet ends only if the connection is still down', (t) => {
  const { pc, said, watch } = watched(t);
  pc.ice('checking');
  pc.ice('connected');
  watch.quiet(true);
  pc.ice('disconnected');
  t.mock.timers.tick(LIMITS.disconnectedMs);
  assert.deepEqual(said, ['connected'], 'the stills fill the uplink: no restart for that');
  watch.quiet(false);
  assert.deepEqual(said, ['connected', 'lost: disconnected'], 'live video again, and the connection is down');
});

test('a loss while quiet that healed by itself is never told', (t) => {
  const healed = watched(t);
  healed.pc.ice('checking');
  healed.pc.ice('connected');
  healed.watch.quiet(true);
  healed.pc.ice('disconnected');
  t.mock.timers.tick(LIMITS.disconnectedMs);
  healed.pc.ice('connected');
  healed.watch.quiet(false);
  assert.deepEqual(healed.said, ['connected'], 'back by itself: nothing to tell');
});

// The customer's video (sdk/video.js) as a state machine: requested -> connecting -> live / held -> ended or
// failed; a first connection that fails is tried once more through the relay only; a lost connection is
// restarted (ICE restart) up to the server's limit; and every track is stopped however the video ends.
// The server is played by the test (frames in, frames out); the browser by fakes.mjs.

import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePeerConnection, camera, networkChanged, sdk, settle } from './fakes.mjs';

const { CustomerVideo } = await sdk('video.js');

const SETTINGS = { mode: 'one-way', audioSource: 'none', videoSource: 'camera' };
const STUN = [{ urls: ['stun:127.0.0.1:3478'] }];
const TURN = [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }];

function session(state, more = {}) {
  return { id: 'vid_1', conversationId: 'c1', state, ...SETTINGS, iceRestarts: 0, relayRetries: 0, preference: 'detail',
           outcome: null, failureReason: null, endedBy: null, ...more };
}

let open = []; // every CustomerVideo of the current test, closed after it (no listener outlives its test)

function customerVideo({ settings = SETTINGS } = {}) {
  const sent = [];
  const events = [];
  let renewed = 0;
  const video = new CustomerVideo({
    send: (frame) => sent.push(frame),
    emit: (event, payload) => events.push([event, payload]),
    renewTransport: () => { renewed += 1; },
    settings: () => settings,
  });
  open.push(video);
  const of = (type) => sent.filter((frame) => frame.type === type);
  const emitted = (name) => events.filter(([event]) => event === name).map(([, payload]) => payload);
  const states = () => emitted('videoState').map(({ state }) => state);
  return { video, sent, of, emitted, states, renewed: () => renewed };
}

/** Asked by the agent, accepted by the customer, answered by the server: the peer connection is up to ICE. */
async function connecting({ maxIceRestarts = 3, stream = camera() } = {}) {
  const customer = customerVideo();
  customer.video.onFrame({ type: 'videoRequested', video: session('requested'), text: 'The agent asks to see.' });
  const started = customer.video.start(Promise.resolve(stream));
  started.catch(() => {});
  const ready = { type: 'videoReady', sessionId: 'vid_1', video: session('connecting'), iceServers: STUN };
  if (maxIceRestarts !== null) ready.maxIceRestarts = maxIceRestarts;
  customer.video.onFrame(ready);
  await settle();
  return { ...customer, stream, started, pc: FakePeerConnection.last };
}

/** Connected and live, as the agent's desktop reported the first frame. */
async function live(options) {
  const customer = await connecting(options);
  customer.pc.ice('connected');
  customer.video.onFrame({ type: 'videoStarted', video: session('live'), text: 'Video is live.' });
  await settle();
  return customer;
}

beforeEach(() => { FakePeerConnection.reset(); open = []; });
afterEach(() => { for (const video of open) video.close(); });

describe('the way to live', () => {
  test('requested, then connecting: the server is asked while the camera is being taken', async () => {
    const { video, of, states, emitted } = customerVideo();
    video.onFrame({ type: 'videoRequested', video: session('requested'), text: 'The agent asks to see.' });
    assert.equal(video.state, 'requested');
    assert.deepEqual(emitted('videoRequested')[0].text, 'The agent asks to see.');
    video.start(new Promise(() => {})).catch(() => {}); // the camera prompt is still up
    assert.equal(video.state, 'connecting');
    assert.deepEqual(of('videoStart'), [{ type: 'videoStart', sessionId: 'vid_1' }]);
    assert.deepEqual(states(), ['requested', 'connecting']);
  });

  test('one send-only connection with the server\'s ICE servers; the offer goes to the agent', async () => {
    const { pc, of, stream } = await connecting();
    assert.deepEqual(pc.config, { iceServers: STUN, iceTransportPolicy: 'all' });
    assert.deepEqual(pc.senders.map((s) => s.track), stream.getVideoTracks());
    assert.deepEqual(of('videoSignal').map(({ signal, attempt }) => [signal, attempt]), [['offer', 0]]);
  });

  test('a page\'s own stream: the connection and its offer are made while the server confirms', async () => {
    const { video, of } = customerVideo();
    const stream = camera({ audio: true }); // the page asked for sound too; the flow says none
    video.start(Promise.resolve(stream)).catch(() => {});
    await settle();
    const pc = FakePeerConnection.last;
    assert.equal(FakePeerConnection.made.length, 1);
    assert.equal(pc.offers.length, 1, 'the offer is made before the server answers');
    assert.equal(pc.localDescription, null, 'no gathering without the session\'s ICE servers');
    assert.deepEqual(of('videoSignal'), []);
    let serversAtDescription = null;
    const setLocalDescription = pc.setLocalDescription.bind(pc);
    pc.setLocalDescription = (description) => {
      serversAtDescription = pc.config.iceServers;
      return setLocalDescription(description);
    };
    video.onFrame({ type: 'videoReady', sessionId: 'vid_1', video: session('connecting'), iceServers: STUN });
    await settle();
    assert.equal(FakePeerConnection.made.length, 1, 'the same connection');
    assert.deepEqual(serversAtDescription, STUN);
    assert.deepEqual(pc.config, { iceServers: STUN, iceTransportPolicy: 'all' });
    assert.deepEqual(pc.senders.map((s) => s.track), stream.getVideoTracks());
    assert.deepEqual(of('videoSignal').map(({ signal, sdp }) => [signal, sdp]), [['offer', 'v=0 offer 1']]);
  });

  test('a session unlike the chat\'s settings gets a connection built for it; the early one is closed', async () => {
    const { video } = customerVideo({ settings: { ...SETTINGS, audioSource: 'none' } });
    const stream = camera({ audio: true });
    video.start(Promise.resolve(stream)).catch(() => {});
    await settle();
    const early = FakePeerConnection.last;
    video.onFrame({ type: 'videoReady', sessionId: 'vid_1', iceServers: STUN,
                    video: session('connecting', { audioSource: 'microphone' }) });
    await settle();
    assert.equal(early.closed, true);
    const pc = FakePeerConnection.last;
    assert.notEqual(pc, early);
    assert.deepEqual(pc.senders.map((s) => s.track.kind), ['video', 'audio']);
  });

  test('refused or ended before the server answered: the connection built early is closed', async () => {
    for (const end of ['refused', 'stopped']) {
      FakePeerConnection.reset();
      const { video } = customerVideo();
      video.start(Promise.resolve(camera())).catch(() => {});
      await settle();
      if (end === 'refused') video.onError({ code: 'video_capacity', message: 'Too many.', ref: 'videoStart' });
      else video.close();
      await settle();
      assert.equal(FakePeerConnection.last.closed, true, end);
    }
  });

  test('the answer and the agent\'s candidates reach the connection; another attempt\'s are ignored', async () => {
    const { pc, video } = await connecting();
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'candidate', attempt: 0,
                    candidate: { candidate: 'early' } });
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'answer', attempt: 1, sdp: 'stale' });
    await settle();
    assert.equal(pc.remoteDescription, null);
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'answer', attempt: 0, sdp: 'v=0 answer' });
    await settle();
    assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'v=0 answer' });
    assert.deepEqual(pc.candidates, [{ candidate: 'early' }], 'held until the answer came');
  });

  test('connected, startVideo resolves; the first frame at the agent makes it live', async () => {
    const { pc, video, started, states, emitted } = await connecting();
    pc.ice('connected');
    assert.deepEqual(await started, { sessionId: 'vid_1', video: session('connecting') });
    video.onFrame({ type: 'videoStarted', video: session('live'), text: 'Video is live.' });
    assert.equal(video.state, 'live');
    assert.equal(emitted('videoStarted')[0].text, 'Video is live.');
    assert.deepEqual(states(), ['requested', 'connecting', 'live']);
  });

  test('held sends no frames at all (no track on the sender); resumed puts the same track back', async () => {
    const { pc, video, stream, states } = await live();
    video.onFrame({ type: 'videoHeld', video: session('held'), text: 'On hold.' });
    await settle();
    assert.equal(video.state, 'held');
    assert.equal(pc.senders[0].track, null);
    assert.equal(stream.getVideoTracks()[0].stopped, false, 'held, not stopped');
    video.onFrame({ type: 'videoResumed', video: session('live'), text: 'Back.' });
    await settle();
    assert.equal(pc.senders[0].track, stream.getVideoTracks()[0]);
    assert.deepEqual(states().slice(-2), ['held', 'live']);
  });

  test('photo mode takes the camera off the live sender, through a hold too, and gives it back', async () => {
    const { pc, video, stream, of, emitted } = await live();
    const camera = stream.getVideoTracks()[0];
    video.usePhotos(true);
    assert.deepEqual(of('videoPhotoMode'), [{ type: 'videoPhotoMode', on: true }]);
    const photoMode = (state, more = {}) => ({ type: 'videoPhotoMode', state, by: 'customer', text: state,
                                               video: session(more.state ?? 'live', { photoMode: state === 'on' }) });

    video.onFrame(photoMode('on'));
    await settle();
    assert.equal(pc.senders[0].track, null, 'no live frames in photo mode');
    assert.equal(pc.transceivers[0].direction, 'inactive', 'nor retransmissions: the video is negotiated off');
    assert.equal(of('videoSignal').at(-1).signal, 'offer');
    assert.equal(camera.stopped, false, 'the camera stays on for the stills');
    assert.deepEqual(emitted('photoMode').map(({ state }) => state), ['on']);

    video.onFrame({ type: 'videoHeld', video: session('held', { photoMode: true }), text: 'On hold.' });
    await settle();
    video.onFrame({ type: 'videoResumed', video: session('live', { photoMode: true }), text: 'Back.' });
    await settle();
    assert.equal(pc.senders[0].track, null, 'resumed into photo mode: still no live frames');

    video.onFrame(photoMode('off'));
    await settle();
    assert.equal(pc.senders[0].track, camera, 'live video again, the same camera');
    assert.equal(pc.transceivers[0].direction, 'sendonly');
    assert.equal(video.session.photoMode, false);
  });

  test('an offer of photo mode changes nothing until someone takes it', async () => {
    const { pc, video, stream, emitted } = await live();
    video.onFrame({ type: 'videoPhotoMode', state: 'offered', text: 'Too slow.', video: session('live') });
    await settle();
    assert.equal(pc.senders[0].track, stream.getVideoTracks()[0]);
    assert.deepEqual(emitted('photoMode'), [{ sessionId: 'vid_1', state: 'offered', by: null, text: 'Too slow.' }]);
  });
});

describe('the end, however it comes', () => {
  test('the agent ends it: ended, every track stopped, the connection closed, said once', async () => {
    const { pc, video, stream, emitted } = await live({ stream: camera({ audio: true }) });
    const end = { type: 'videoEnd', video: session('ended', { outcome: 'completed', endedBy: 'agent' }),
                  reason: null, text: 'The agent ended the video.' };
    video.onFrame(end);
    video.onFrame(end);
    assert.equal(video.state, 'ended');
    assert.ok(stream.getTracks().every((track) => track.stopped));
    assert.equal(pc.closed, true);
    assert.equal(emitted('videoEnd').length, 1);
    assert.equal(emitted('videoEnd')[0].by, 'agent');
    assert.equal(video.localStream, null);
  });

  test('the customer stops: the server is told, the camera goes off at once', async () => {
    const { video, stream, of } = await live();
    video.stop();
    assert.deepEqual(of('videoStop'), [{ type: 'videoStop' }]);
    assert.equal(video.state, 'ended');
    assert.ok(stream.getTracks().every((track) => track.stopped));
  });

  test('stopped before it connected: startVideo rejects as cancelled, the camera goes off', async () => {
    const { video, stream, started } = await connecting();
    video.stop();
    await assert.rejects(started, { code: 'video_cancelled', name: 'VideoUnavailableError' });
    assert.ok(stream.getTracks().every((track) => track.stopped));
  });

  test('a camera that arrives after the customer stopped is turned off at once', async () => {
    const { video } = customerVideo();
    video.onFrame({ type: 'videoRequested', video: session('requested') });
    let grant;
    const started = video.start(new Promise((resolve) => { grant = resolve; }));
    started.catch(() => {});
    video.stop();
    const late = camera();
    grant(late);
    video.onFrame({ type: 'videoReady', sessionId: 'vid_1', video: session('connecting'), iceServers: STUN });
    await settle();
    assert.ok(late.getTracks().every((track) => track.stopped));
    assert.equal(FakePeerConnection.made.length, 0);
  });

  test('the chat ending ends the video with it', async () => {
    const { video, stream, emitted } = await live();
    video.close();
    assert.equal(video.state, 'ended');
    assert.ok(stream.getTracks().every((track) => track.stopped));
    assert.equal(emitted('videoEnd')[0].reason, 'chat_ended');
  });

  test('the camera refused: failed, the agent told why, nothing left on', async () => {
    const { video, of, states } = customerVideo();
    video.onFrame({ type: 'videoRequested', video: session('requested') });
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    const started = video.start(Promise.reject(denied));
    await assert.rejects(started, { code: 'camera_denied', name: 'NotAllowedError' });
    assert.equal(video.state, 'failed');
    video.onFrame({ type: 'videoReady', sessionId: 'vid_1', video: session('connecting'), iceServers: STUN });
    await settle();
    assert.deepEqual(of('videoDecline'), [{ type: 'videoDecline', sessionId: 'vid_1', reason: 'camera_denied' }]);
    assert.deepEqual(states(), ['requested', 'connecting', 'failed']);
  });

  test('the server refuses to start: startVideo rejects with its code, the camera goes off', async () => {
    const stream = camera();
    const { video } = customerVideo();
    const started = video.start(Promise.resolve(stream));
    video.onError({ code: 'video_capacity', message: 'Too many videos.', ref: 'videoStart' });
    await assert.rejects(started, { code: 'video_capacity' });
    await settle();
    assert.equal(video.state, 'failed');
    assert.ok(stream.getTracks().every((track) => track.stopped));
  });
});

describe('when the network fights back', () => {
  test('a first connection that fails is tried once more, through the relay only, with fresh servers', async () => {
    const { pc, video, of, emitted } = await connecting();
    pc.ice('checking');
    pc.ice('failed');
    assert.deepEqual(of('videoRetry'), [{ type: 'videoRetry', sessionId: 'vid_1', how: 'relay', reason: 'ice_failed' }]);
    video.onFrame({ type: 'videoRetrying', how: 'relay', video: session('connecting', { relayRetries: 1 }),
                    iceServers: TURN });
    await settle();
    const relay = FakePeerConnection.last;
    assert.notEqual(relay, pc);
    assert.equal(pc.closed, true);
    assert.deepEqual(relay.config, { iceServers: TURN, iceTransportPolicy: 'relay' });
    assert.deepEqual(of('videoSignal').map(({ signal, attempt }) => [signal, attempt]), [['offer', 0], ['offer', 1]]);
    assert.equal(emitted('videoRetrying')[0].how, 'relay');
    assert.equal(relay.senders[0].track.stopped, false, 'the same camera, not taken again');
  });

  test('the relay failing too is the end, in words: no third try', async () => {
    const { pc, video, of, started, stream } = await connecting();
    pc.ice('failed');
    video.onFrame({ type: 'videoRetrying', how: 'relay', video: session('connecting', { relayRetries: 1 }),
                    iceServers: TURN });
    await settle();
    FakePeerConnection.last.ice('failed');
    assert.equal(of('videoRetry').length, 1);
    assert.deepEqual(of('videoDecline'), [{ type: 'videoDecline', sessionId: 'vid_1', reason: 'relay_failed' }]);
    video.onFrame({ type: 'videoEnd', video: session('ended', { outcome: 'failed', failureReason: 'relay_failed' }),
                    text: 'Video could not connect, even through the relay.' });
    assert.equal(video.state, 'failed');
    await assert.rejects(started, { code: 'relay_failed' });
    assert.ok(stream.getTracks().every((track) => track.stopped));
  });

  test('a lost live connection is restarted up to the server\'s limit, then given up in words', async () => {
    const { pc, video, of, renewed } = await live({ maxIceRestarts: 2 });
    for (const restarts of [1, 2]) {
      networkChanged();
      assert.deepEqual(of('videoRetry').at(-1), { type: 'videoRetry', sessionId: 'vid_1', how: 'restart',
                                                  reason: 'network_change' });
      video.onFrame({ type: 'videoRetrying', how: 'restart', video: session('live', { iceRestarts: restarts }),
                      iceServers: TURN });
      await settle();
      assert.deepEqual(pc.offers.at(-1), { iceRestart: true });
      assert.deepEqual(pc.config.iceServers, TURN, 'fresh servers on the same connection');
      pc.ice('connected');
    }
    assert.equal(FakePeerConnection.made.length, 1, 'restarted, not replaced');
    assert.equal(renewed(), 2, 'the chat socket is renewed too');
    networkChanged();
    assert.equal(of('videoRetry').length, 2);
    assert.deepEqual(of('videoDecline'), [{ type: 'videoDecline', sessionId: 'vid_1', reason: 'connection_lost' }]);
  });

  test('a drop says "lost" again and again (offline, online, ICE): one restart, one offer', async () => {
    const { pc, video, of, emitted } = await live();
    networkChanged(); // the device went offline: the chat socket renews, the request waits in its queue
    pc.ice('disconnected');
    networkChanged(); // back online
    await new Promise((resolve) => setTimeout(resolve, 2100)); // ICE's own "disconnected" runs out too
    assert.equal(of('videoRetry').length, 1);
    video.onFrame({ type: 'videoRetrying', how: 'restart', video: session('live', { iceRestarts: 1 }),
                    iceServers: TURN });
    await settle();
    assert.equal(pc.offers.filter((options) => options.iceRestart).length, 1);
    // The restart's answer comes; a second answer (to nothing) and a stale candidate are not errors.
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'answer', attempt: 0, sdp: 'v=0 restarted' });
    await settle();
    assert.equal(pc.signalingState, 'stable');
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'answer', attempt: 0, sdp: 'v=0 again' });
    pc.addIceCandidate = async () => { throw new Error("Failed to execute 'addIceCandidate': stale"); };
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'candidate', attempt: 0, candidate: { c: 1 } });
    await settle();
    assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'v=0 restarted' });
    assert.deepEqual(emitted('error'), []);
  });

  test('a restart while an earlier restart\'s offer is unanswered replaces that offer', async () => {
    const { pc, video } = await live();
    for (const restarts of [1, 2]) {
      video.onFrame({ type: 'videoRetrying', how: 'restart', video: session('live', { iceRestarts: restarts }),
                      iceServers: TURN });
      await settle();
    }
    assert.equal(pc.signalingState, 'have-local-offer');
    assert.deepEqual(pc.localDescription, { type: 'offer', sdp: 'v=0 offer 3' });
  });

  test('a browser failure on the connection reaches the page in words; its own message stays in `cause`', async () => {
    const { pc, video, emitted } = await connecting();
    const refused = new Error("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': wrong state");
    pc.setRemoteDescription = async () => { throw refused; };
    video.onFrame({ type: 'videoSignal', sessionId: 'vid_1', signal: 'answer', attempt: 0, sdp: 'v=0 answer' });
    await settle();
    const [error] = emitted('error');
    assert.equal(error.code, 'invalid_signal');
    assert.match(error.message, /^The video connection ran into a problem/);
    assert.doesNotMatch(error.message, /Failed to execute/);
    assert.equal(error.cause, refused);
  });

  test('the video ended on the server during the drop: it ends here too, camera off, in words', async () => {
    const { video, of, stream, emitted } = await live();
    networkChanged();
    assert.equal(of('videoRetry').length, 1);
    assert.equal(video.onError({ code: 'video_state', message: 'not live', ref: 'videoRetry' }), true);
    assert.equal(video.state, 'ended');
    assert.ok(stream.getTracks().every((track) => track.stopped));
    const [end] = emitted('videoEnd');
    assert.equal(end.reason, 'connection_lost');
    assert.match(end.text, /^The video stopped while your connection was down/);
    assert.deepEqual(of('videoDecline'), []);
  });

  test('without the server\'s limit it asks, and the server\'s refusal ends it', async () => {
    const { pc, video, of } = await live({ maxIceRestarts: null });
    video.onFrame({ type: 'videoRetrying', how: 'restart', video: session('live', { iceRestarts: 5 }),
                    iceServers: TURN });
    await settle();
    pc.ice('connected');
    networkChanged();
    assert.equal(of('videoRetry').length, 1);
    pc.ice('disconnected');
    assert.equal(video.onError({ code: 'too_many_restarts', ref: 'videoRetry' }), true);
    assert.deepEqual(of('videoDecline'), [{ type: 'videoDecline', sessionId: 'vid_1', reason: 'connection_lost' }]);
  });
});

// createChat's customer block, attributes and signature go with the start frame, with the page the chat
// starts on; a chat without them sends only its display name. The server is played over a fake WebSocket.

import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, memoryStorage, sdk, settle } from './fakes.mjs';

const { createChat } = await sdk('webchat.js');
const { customerOptions, MAX_PAGE_URL_CHARS } = await sdk('config.js');

globalThis.WebSocket = FakeWebSocket;
const CONFIG = { organizationId: 'org', deploymentId: 'dep', serverUrl: 'http://node-a' };
let chats = [];

async function startFrame(options, page = null) {
  const saved = { location: globalThis.location, document: globalThis.document };
  if (page) {
    globalThis.location = { href: page.url };
    globalThis.document = { title: page.title, addEventListener() {} };
  }
  try {
    const chat = createChat({ ...CONFIG, storage: memoryStorage(), ...options });
    chats.push(chat);
    chat.startChat({ displayName: 'Ann' }).catch(() => {}); // never answered: disconnected after the test
    FakeWebSocket.last.open();
    await settle();
    return FakeWebSocket.last.sent[0];
  } finally {
    globalThis.location = saved.location;
    globalThis.document = saved.document;
  }
}

beforeEach(() => { FakeWebSocket.reset(); chats = []; });
afterEach(() => { for (const made of chats) made.disconnect(); });

test('the customer block, attributes, signature and page go with the start frame', async () => {
  const frame = await startFrame({
    customer: { name: 'Ann Example', email: 'ann@example.com', id: 42 },
    attributes: { plan: 'Gold' },
    customerSignature: 'ab'.repeat(32),
  }, { url: 'https://shop.test/cart', title: 'Your cart' });
  assert.deepEqual(frame, {
    type: 'start', displayName: 'Ann',
    customer: { name: 'Ann Example', email: 'ann@example.com', id: '42' },
    attributes: { plan: 'Gold' },
    customerSignature: 'ab'.repeat(32),
    page: { url: 'https://shop.test/cart', title: 'Your cart' },
  });
});

test('a chat without them sends its display name only', async () => {
  assert.deepEqual(await startFrame({}), { type: 'start', displayName: 'Ann' });
});

test('a long page address is cut to what the server keeps, not refused', async () => {
  const url = `https://shop.test/${'a'.repeat(3000)}`;
  const frame = await startFrame({}, { url, title: 'Shop' });
  assert.equal(frame.page.url.length, MAX_PAGE_URL_CHARS);
  assert.equal(frame.page.url, url.slice(0, MAX_PAGE_URL_CHARS));
});

test('a customer or attributes that are not objects are a programming error at createChat', () => {
  assert.throws(() => customerOptions({ customer: 'Ann' }), TypeError);
  assert.throws(() => customerOptions({ attributes: ['plan'] }), TypeError);
  assert.deepEqual(customerOptions({ customer: { id: 'c1', email: null } }),
    { customer: { id: 'c1' }, attributes: null, customerSignature: null });
});

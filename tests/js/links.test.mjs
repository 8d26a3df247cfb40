// Links in chat messages: http and https addresses only, sentence punctuation and unopened brackets left
// to the sentence, everything else plain text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkPieces } from '../../src/showdesk/web/static/links.js';

const links = (text) => linkPieces(text).filter((piece) => piece.href).map((piece) => piece.href);

test('an address in a sentence is a link and the rest stays text, in order', () => {
  assert.deepEqual(linkPieces('See https://kettles.test/manual#descale, page 4.'), [
    { text: 'See ' },
    { text: 'https://kettles.test/manual#descale', href: 'https://kettles.test/manual#descale' },
    { text: ', page 4.' },
  ]);
});

test('only http and https are links', () => {
  assert.deepEqual(links('javascript:alert(1) data:text/html,x ftp://files.test http://a.test/x'), ['http://a.test/x']);
  assert.deepEqual(links('jAvAsCrIpT://x.test'), []);
  assert.deepEqual(linkPieces('no links here 🙂'), [{ text: 'no links here 🙂' }]);
});

test('brackets belong to the address only when it opened them', () => {
  assert.deepEqual(links('(see https://kettles.test/faq)'), ['https://kettles.test/faq']);
  assert.deepEqual(links('https://en.wikipedia.test/wiki/Kettle_(appliance)!'), ['https://en.wikipedia.test/wiki/Kettle_(appliance)']);
});

test('markup is never part of a link and text around it stays text', () => {
  const pieces = linkPieces('<a href="https://evil.test">x</a> https://ok.test/"onmouseover=alert(1)');
  assert.deepEqual(pieces.filter((p) => p.href).map((p) => p.text), ['https://evil.test', 'https://ok.test/']);
  assert.equal(pieces.map((p) => p.text).join(''), '<a href="https://evil.test">x</a> https://ok.test/"onmouseover=alert(1)');
});

test('empty and missing texts are one empty piece', () => {
  assert.deepEqual(linkPieces(''), [{ text: '' }]);
  assert.deepEqual(linkPieces(null), [{ text: '' }]);
});

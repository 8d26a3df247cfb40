// The customer's words (sdk/words.js): every language says everything English says, with the same
// placeholders; the language is the page's choice, then the browser's, then English.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './fakes.mjs';

const { CATALOGUE, LOCALES, chooseLocale, wordsFor } = await sdk('words.js');

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the catalogue', () => {
  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    test(`${locale} has every sentence English has, with the same placeholders`, () => {
      const { en } = CATALOGUE;
      const words = CATALOGUE[locale];
      for (const [key, text] of Object.entries(en)) {
        if (key === 'errors') continue;
        assert.equal(typeof words[key], 'string', `${locale}.${key}`);
        assert.deepEqual(placeholders(words[key]), placeholders(text), `${locale}.${key}`);
      }
      assert.deepEqual(Object.keys(words.errors).sort(), Object.keys(en.errors).sort());
    });
  }
});

describe('choosing the language', () => {
  test('the page\'s data-locale first, then the browser\'s languages, then English', () => {
    assert.equal(chooseLocale('de', ['fr-FR']), 'de');
    assert.equal(chooseLocale(null, ['it-IT', 'fr-CA', 'de']), 'fr');
    assert.equal(chooseLocale('pt-BR', ['es-MX']), 'es');
    assert.equal(chooseLocale('ja', ['zh-CN']), 'en');
    assert.equal(chooseLocale(undefined, []), 'en');
  });

  test('a sentence is filled in, an error code is worded, and unknown codes have no words', () => {
    const t = wordsFor('fr');
    assert.equal(t('waitingNumber', { position: 3 }), 'En attente d’un conseiller… Vous êtes numéro 3 dans la file.');
    assert.equal(t.error('display_name_required'), 'Veuillez indiquer votre nom.');
    assert.equal(t.error('no_such_code'), null);
    assert.equal(wordsFor('xx').locale, 'en');
  });
});

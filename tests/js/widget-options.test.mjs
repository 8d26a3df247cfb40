// The drop-in widget's tag tells what the site knows of its customer, as createChat's options.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.document ??= { baseURI: 'https://shop.example/cart' };
const { readOptions } = await import('../../src/showdesk/web/sdk/widget/options.js');

const tag = (dataset) => ({ src: 'https://support.example/sdk/widget.js', dataset: { organization: 'demo', deployment: 'web', ...dataset } });

describe('the widget tag', () => {
  test('says who the customer is, what else the site knows and its signature', () => {
    const options = readOptions(tag({
      customerName: ' Bea Example ', customerEmail: 'bea@example.com', customerId: 'c-42',
      customerSignature: 'f00d', attributes: '{"plan": "Gold", "orders": 3, "nested": {"no": 1}, "none": null}',
    }));
    assert.deepEqual(options.customer, { name: 'Bea Example', email: 'bea@example.com', id: 'c-42' });
    assert.deepEqual(options.attributes, { plan: 'Gold', orders: '3' });
    assert.equal(options.customerSignature, 'f00d');
  });

  test('says nothing of a customer it was not told about', () => {
    const options = readOptions(tag({}));
    assert.equal(options.customer, null);
    assert.equal(options.attributes, null);
    assert.equal(options.customerSignature, null);
  });

  test('leaves out attributes that are not a JSON object, with a warning', () => {
    const warnings = [];
    const warn = console.warn;
    console.warn = (message) => warnings.push(message);
    try {
      for (const attributes of ['{not json', '["a"]', '"text"']) {
        assert.equal(readOptions(tag({ attributes })).attributes, null, attributes);
      }
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 3);
    assert.match(warnings[0], /data-attributes must be a JSON object/);
  });
});

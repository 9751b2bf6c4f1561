// The introspection clients' credentials check, called directly: only the listed id with its own
// secret passes; an unknown id, another client's secret, an empty or near-miss secret do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClientCredentialsCheck } from '../../../src/core/oauth/client-credentials.js';
import { basicCredentials } from '../../../src/http/routes/oauth/basic-credentials.js';

const check = createClientCredentialsCheck([{ id: 'orders', secret: 'orders-secret-0123456789' }, { id: 'billing', secret: 'billing-secret-012345' }]);

test('only a listed client id with its own secret passes', () => {
  assert.equal(check('orders', 'orders-secret-0123456789'), true);
  assert.equal(check('billing', 'billing-secret-012345'), true);
  for (const [id, secret] of [['orders', 'billing-secret-012345'], ['orders', 'orders-secret-012345678'], ['orders', ''],
    ['nobody', 'orders-secret-0123456789'], ['ORDERS', 'orders-secret-0123456789'], ['', '']]) {
    assert.equal(check(id!, secret!), false, `${id}:${secret}`);
  }
  assert.equal(createClientCredentialsCheck([])('orders', 'orders-secret-0123456789'), false);
});

test('HTTP Basic is read as sent and, when it differs, form-decoded (RFC 6749 §2.3.1)', () => {
  const header = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  assert.deepEqual(basicCredentials(header('orders:s3cret:with-colon')), [{ id: 'orders', secret: 's3cret:with-colon' }]);
  assert.deepEqual(basicCredentials(header('my+id:a%2Bb')), [{ id: 'my id', secret: 'a+b' }, { id: 'my+id', secret: 'a%2Bb' }]);
  assert.deepEqual(basicCredentials(header('id:100%')), [{ id: 'id', secret: '100%' }], 'a malformed escape is read as sent');
  for (const value of [undefined, '', 'Bearer abc', 'Basic', 'Basic !!!', header('no-colon')]) assert.deepEqual(basicCredentials(value), [], String(value));
});

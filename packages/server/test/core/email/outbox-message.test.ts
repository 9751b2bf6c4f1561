// A mail as an outbox row (docs/email.md, "The outbox"): the payload is sealed (no token in
// clear), bound to its row, opens only under its own key, and the values a kind takes are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock.js';
import { createMailMessages, describeDuration } from '../../../src/core/email/outbox-message.js';
import { deriveKey } from '../../../src/core/tokens/keys.js';
import { TEST_SECRET } from '../../helpers.js';

const TOKEN = 'Qm9vLXRoaXMtaXMtYS1vbmUtdGltZS10b2tlbi0xMjM0NTY';
const TTLS = { verify_email: 86_400, reset_password: 1800, magic_link: 900, change_email: 86_400, email_change_cancel: 86_400 };
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
const messages = createMailMessages({ key: deriveKey(TEST_SECRET, 'mail-outbox'), clock, ttlSeconds: TTLS });
const request = {
  kind: 'magic_link' as const,
  to: 'ada@example.com',
  values: { username: 'ada', email: 'ada@example.com', link: `https://app.test/magic-link?token=${TOKEN}`, code: '493021' },
};

test('a message gets a UUIDv7 id from the clock and its values sealed, without the token or code in clear', () => {
  const message = messages.message(request);
  assert.match(message.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(message.id.replace(/-/g, '').slice(0, 12), 16), clock.now());
  assert.deepEqual([message.kind, message.recipient, message.createdAt], ['magic_link', 'ada@example.com', new Date(clock.now())]);
  assert.match(message.payload, /^v1\.[A-Za-z0-9_-]+$/);
  const decoded = Buffer.from(message.payload.slice(3), 'base64url').toString('latin1');
  for (const secret of [TOKEN, '493021', 'ada@example.com', 'magic-link']) {
    assert.ok(!message.payload.includes(secret) && !decoded.includes(secret), `the payload holds ${secret} in clear`);
  }
});

test('a message opens into its request, with expires_in from the token lifetime', () => {
  const message = messages.message(request);
  assert.deepEqual(messages.open(message), { ...request, values: { ...request.values, expires_in: '15 minutes' } });
  const notice = messages.message({ kind: 'account_deleted', to: 'ada@example.com', values: { username: 'ada', email: 'ada@example.com' } });
  assert.deepEqual(messages.open(notice).values, { username: 'ada', email: 'ada@example.com' });
});

test('a payload moved to another row, altered, or under another secret does not open', () => {
  const message = messages.message(request);
  const other = messages.message({ ...request, to: 'bob@example.com' });
  assert.throws(() => messages.open({ ...other, payload: message.payload }));
  assert.throws(() => messages.open({ ...message, recipient: 'eve@example.com' }));
  const flipped = Buffer.from(message.payload.slice(3), 'base64url');
  flipped[20] = flipped[20]! ^ 1;
  assert.throws(() => messages.open({ ...message, payload: `v1.${flipped.toString('base64url')}` }));
  const elsewhere = createMailMessages({ key: deriveKey(`${TEST_SECRET}x`, 'mail-outbox'), clock, ttlSeconds: TTLS });
  assert.throws(() => elsewhere.open(message));
});

test('values a kind does not take, or a missing one, are a TypeError for the flow that asked', () => {
  assert.throws(() => messages.message({ ...request, values: { ...request.values, code: undefined as unknown as string } }),
    { name: 'TypeError', message: /magic_link mail takes the values username, email, link, code; missing code/ });
  assert.throws(() => messages.message({ ...request, values: { ...request.values, password: 'x' } }), { name: 'TypeError', message: /not shown: password/ });
  assert.throws(() => messages.message({ ...request, kind: 'welcome' as 'magic_link' }), { name: 'TypeError', message: /unknown mail kind "welcome"/ });
});

test('lifetimes read as people say them', () => {
  assert.deepEqual([86_400, 1800, 900, 172_800, 3600, 60, 90].map(describeDuration),
    ['24 hours', '30 minutes', '15 minutes', '2 days', '1 hour', '1 minute', '1 minute']);
});

// HOTP and TOTP against the RFC test vectors, and the ±1 step window at its edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotp, matchTotp, totpCode, totpStep } from '../../../src/core/mfa/totp.js';
import { base32Decode, base32Encode } from '../../../src/core/mfa/base32.js';

const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');

test('HOTP matches RFC 4226 appendix D for counters 0 to 9', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  assert.deepEqual(expected.map((_, counter) => hotp(RFC_KEY, counter)), expected);
});

test('TOTP (SHA-1, 8 digits) matches RFC 6238 appendix B at each of its times', () => {
  const vectors: [number, string][] = [
    [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) assert.equal(hotp(RFC_KEY, totpStep(seconds * 1000), 8), code, String(seconds));
});

test('TOTP with SHA-256 and SHA-512 keys matches RFC 6238 appendix B too', () => {
  const key256 = Buffer.from('12345678901234567890123456789012', 'ascii');
  const key512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii');
  assert.equal(hotp(key256, totpStep(59_000), 8, 'sha256'), '46119246');
  assert.equal(hotp(key512, totpStep(59_000), 8, 'sha512'), '90693936');
});

test('a code matches in its own step and one step either side, never two away', () => {
  const now = 1_767_268_800_000; // 2026-01-01T12:00:00Z, the start of a step
  const step = totpStep(now);
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step), now), step);
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step - 1), now), step - 1, 'previous step: clock drift allowed');
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step + 1), now), step + 1, 'next step: clock drift allowed');
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step - 2), now), undefined);
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step + 2), now), undefined);
  // the last millisecond of the step: the next step's code is still one away, the one before two
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step + 1), now + 29_999), step + 1);
  assert.equal(matchTotp(RFC_KEY, totpCode(RFC_KEY, step - 1), now + 30_000), undefined, 'a step later, the old code is two away');
});

test('anything but six digits never matches', () => {
  for (const code of ['', '12345', '1234567', 'abcdef', ' 123456', '１２３４５６']) assert.equal(matchTotp(RFC_KEY, code, Date.now()), undefined);
});

test('base32 round-trips (RFC 4648 §10 vectors) and decodes the RFC key as apps receive it', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32Encode(Buffer.from('f')), 'MY');
  assert.deepEqual(base32Decode('mzxw 6ytb oi======'), Buffer.from('foobar'));
  assert.equal(base32Decode('MZX1'), undefined);
  assert.equal(base32Encode(RFC_KEY), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
});

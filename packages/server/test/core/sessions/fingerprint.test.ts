// The client a rotation is bound to (core/sessions/fingerprint.ts), and the grace decision that
// uses it (refreshTokenStanding): address prefixes, the keyed hash, and who may replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressPrefix, createClientFingerprint } from '../../../src/core/sessions/fingerprint.js';
import { refreshTokenStanding } from '../../../src/core/tokens/token-pair.js';

test('an IPv4 address belongs to its /24', () => {
  assert.equal(addressPrefix('203.0.113.7'), '203.0.113.0/24');
  assert.equal(addressPrefix('10.0.0.255'), '10.0.0.0/24');
  assert.equal(addressPrefix('127.0.0.1'), '127.0.0.0/24');
});

test('an IPv6 address belongs to its /64, however it is written', () => {
  const cases: Array<[string, string]> = [
    ['2001:db8:1:2::10', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:a1b2:c3d4:e5f6:0789', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:A1B2::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ];
  for (const [ip, prefix] of cases) assert.equal(addressPrefix(ip), prefix, ip);
});

test('an IPv4-mapped IPv6 address belongs to the /24 of its IPv4 address', () => {
  assert.equal(addressPrefix('::ffff:203.0.113.7'), '203.0.113.0/24');
  assert.equal(addressPrefix('::FFFF:cb00:7107'), '203.0.113.0/24');
  assert.equal(addressPrefix('0:0:0:0:0:ffff:127.0.0.1'), '127.0.0.0/24');
});

test('anything that is not an IP address comes back as it is', () => {
  for (const text of ['unknown', '', '203.0.113', '2001:db8::g', '::ffff:999.0.0.1']) assert.equal(addressPrefix(text), text);
});

test('the fingerprint is a keyed hash of the address prefix and the user agent, and holds neither', () => {
  const fingerprint = createClientFingerprint(Buffer.alloc(32, 7));
  const base = fingerprint({ ip: '203.0.113.7', userAgent: 'Firefox' });
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(fingerprint({ ip: '203.0.113.200', userAgent: 'Firefox' }), base, 'the same /24');
  assert.equal(fingerprint({ ip: '::ffff:203.0.113.9', userAgent: 'Firefox' }), base, 'the same /24, mapped');
  assert.notEqual(fingerprint({ ip: '203.0.114.7', userAgent: 'Firefox' }), base, 'another /24');
  assert.notEqual(fingerprint({ ip: '203.0.113.7', userAgent: 'Chrome' }), base, 'another user agent');
  assert.notEqual(createClientFingerprint(Buffer.alloc(32, 8))({ ip: '203.0.113.7', userAgent: 'Firefox' }), base, 'another key');
  assert.equal(fingerprint({ ip: '2001:db8:1:2::10', userAgent: null }), fingerprint({ ip: '2001:db8:1:2:ffff::1', userAgent: '' }));
});

test('the previous refresh token stands in the grace window only in the hands of the client that rotated', () => {
  const rotatedAt = new Date(1_000_000);
  const [mine, theirs] = ['1'.repeat(64), '2'.repeat(64)];
  const session = { currentHash: 'c'.repeat(64), previousHash: 'p'.repeat(64), rotatedAt, rotationFingerprint: mine as string | null };
  const at = (seconds: number) => rotatedAt.getTime() + seconds * 1000;
  const standing = (hash: string, fingerprint: string | null, seconds: number, stored = session) =>
    refreshTokenStanding(stored, { hash, fingerprint }, at(seconds), 10);
  assert.equal(standing('c'.repeat(64), theirs, 0), 'current', 'the current token is the current token in any hands');
  assert.equal(standing('p'.repeat(64), mine, 10), 'grace');
  assert.equal(standing('p'.repeat(64), mine, 11), 'stale', 'after the window');
  assert.equal(standing('p'.repeat(64), theirs, 1), 'stale', 'another client');
  assert.equal(standing('p'.repeat(64), null, 1), 'stale', 'no client to compare');
  assert.equal(standing('p'.repeat(64), mine, 1, { ...session, rotationFingerprint: null }), 'stale', 'a rotation that recorded no client');
  assert.equal(standing('o'.repeat(64), mine, 1), 'stale', 'an older token');
});

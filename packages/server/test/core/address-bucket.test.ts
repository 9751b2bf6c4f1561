// Address buckets for limits per source (security finding 6): IPv6 by /64 however it is written,
// IPv4-mapped IPv6 as IPv4, IPv4 by address or by a shorter prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressBucket, RATE_LIMIT_BUCKET } from '../../src/core/address-bucket.js';

const QUEUE = { v4: 24, v6: 64 };

test('an IPv4 address is its own rate-limit bucket', () => {
  assert.equal(addressBucket('203.0.113.7', RATE_LIMIT_BUCKET), '203.0.113.7');
  assert.equal(addressBucket('0.0.0.0', RATE_LIMIT_BUCKET), '0.0.0.0');
});

test('the addresses of one IPv6 /64 share one bucket, however they are written', () => {
  const forms = ['2001:db8:7:1::1', '2001:0db8:0007:0001:ffff:ffff:ffff:ffff', '2001:DB8:7:1:a:b:c:d', '2001:db8:7:1::', '2001:db8:7:1:0:0:1.2.3.4', 'fe80::1%eth0'.replace('fe80::1', '2001:db8:7:1::9')];
  for (const ip of forms) assert.equal(addressBucket(ip, RATE_LIMIT_BUCKET), '2001:db8:7:1::/64', ip);
  assert.equal(addressBucket('2001:db8:7:2::1', RATE_LIMIT_BUCKET), '2001:db8:7:2::/64');
  assert.equal(addressBucket('::1', RATE_LIMIT_BUCKET), '0:0:0:0::/64');
  assert.equal(addressBucket('fe80::1%eth0', RATE_LIMIT_BUCKET), 'fe80:0:0:0::/64');
});

test('an IPv4-mapped IPv6 address is bucketed as the IPv4 address it maps, in either notation', () => {
  assert.equal(addressBucket('::ffff:198.51.100.4', RATE_LIMIT_BUCKET), '198.51.100.4');
  assert.equal(addressBucket('::FFFF:c633:6404', RATE_LIMIT_BUCKET), '198.51.100.4');
  assert.equal(addressBucket('0:0:0:0:0:ffff:198.51.100.4', QUEUE), '198.51.100.0/24');
});

test('a shorter IPv4 prefix groups its network; IPv6 prefixes off a 16-bit boundary keep the partial group', () => {
  assert.equal(addressBucket('203.0.113.77', QUEUE), '203.0.113.0/24');
  assert.equal(addressBucket('203.0.113.77', { v4: 20, v6: 56 }), '203.0.112.0/20');
  assert.equal(addressBucket('2001:db8:7:1ff::1', { v4: 24, v6: 56 }), '2001:db8:7:100::/56');
  assert.equal(addressBucket('2001:db8:7:1ff::1', { v4: 24, v6: 128 }), '2001:db8:7:1ff:0:0:0:1');
});

test('something that is not an IP address is a bucket of its own', () => {
  for (const text of ['unknown', 'local', '', '1.2.3', '2001:db8::g']) assert.equal(addressBucket(text, RATE_LIMIT_BUCKET), text);
});

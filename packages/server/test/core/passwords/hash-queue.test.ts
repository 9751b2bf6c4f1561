// The hash queue's bounds (security finding 6): past HASH_QUEUE_MAX waiting hashes, or past an
// address bucket's share, a hash is refused at once with 503 overloaded and Retry-After, and a
// refused hash holds no place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authErrorOf } from '../../../src/core/errors.js';
import { HashQueue } from '../../../src/core/passwords/hash-queue.js';

/** A task that runs until released, so the queue's state can be read in between. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { task: () => opened.then(() => 'done'), open };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ran';
  } catch (error) {
    const known = authErrorOf(error);
    assert.ok(known, String(error));
    assert.equal(known.statusCode, 503);
    assert.equal(known.retryAfterSeconds, 1);
    return known.code;
  }
}

test('one address gets its share of the queue and no more; another address still gets in', async () => {
  const queue = new HashQueue({ concurrency: 1, maxWaiting: 10, perAddress: 2 });
  const { task, open } = gate();
  const flood = Array.from({ length: 6 }, () => outcome(queue.run(task, '203.0.113.5')));
  const other = outcome(queue.run(task, '198.51.100.7'));
  assert.equal(queue.waiting, 2, 'one of the flood runs, one waits, and so does the other address');
  open();
  assert.deepEqual(await Promise.all(flood), ['ran', 'ran', 'overloaded', 'overloaded', 'overloaded', 'overloaded']);
  assert.equal(await other, 'ran');
});

test('an IPv4 /24 and an IPv6 /64 are one address for the share; IPv4-mapped IPv6 is its IPv4 address', async () => {
  const queue = new HashQueue({ concurrency: 1, maxWaiting: 10, perAddress: 2 });
  const { task, open } = gate();
  const v4 = ['203.0.113.5', '::ffff:203.0.113.200', '203.0.113.77'].map((ip) => outcome(queue.run(task, ip)));
  const v6 = ['2001:db8:1:1::1', '2001:db8:1:1:ffff::2', '2001:db8:1:1::3'].map((ip) => outcome(queue.run(task, ip)));
  open();
  assert.deepEqual(await Promise.all(v4), ['ran', 'ran', 'overloaded']);
  assert.deepEqual(await Promise.all(v6), ['ran', 'ran', 'overloaded']);
});

test('past HASH_QUEUE_MAX waiting hashes anyone is refused, with or without an address', async () => {
  const queue = new HashQueue({ concurrency: 2, maxWaiting: 3, perAddress: 100 });
  const { task, open } = gate();
  const admitted = ['192.0.2.1', '192.0.2.2', undefined, '198.51.100.1', '2001:db8::1'].map((ip) => outcome(queue.run(task, ip)));
  assert.equal(queue.waiting, 3);
  const refused = [outcome(queue.run(task, '203.0.113.9')), outcome(queue.run(task))];
  open();
  assert.deepEqual(await Promise.all(admitted), ['ran', 'ran', 'ran', 'ran', 'ran']);
  assert.deepEqual(await Promise.all(refused), ['overloaded', 'overloaded']);
});

test('HASH_QUEUE_MAX 0: hashes run while a thread is free and nothing waits', async () => {
  const queue = new HashQueue({ concurrency: 1, maxWaiting: 0, perAddress: 5 });
  const { task, open } = gate();
  const first = outcome(queue.run(task, '192.0.2.1'));
  const second = outcome(queue.run(task, '192.0.2.2'));
  open();
  assert.deepEqual([await first, await second], ['ran', 'overloaded']);
});

test('a finished or failed hash gives its address\'s place back', async () => {
  const queue = new HashQueue({ concurrency: 1, maxWaiting: 10, perAddress: 1 });
  assert.equal(await queue.run(async () => 'first', '192.0.2.1'), 'first');
  await assert.rejects(queue.run(async () => {
    throw new Error('boom');
  }, '192.0.2.1'), /boom/);
  assert.equal(await queue.run(async () => 'third', '192.0.2.1'), 'third');
  assert.equal(await outcome(queue.run(async () => undefined, '192.0.2.1')), 'ran');
});

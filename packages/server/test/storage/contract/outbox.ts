// The contract every OutboxStore passes (storage/types/outbox.ts): claims are leases, oldest
// first; concurrent claims never hand one row to two claimers; a given-up row keeps no payload.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import type { OutboxMessage, OutboxStore } from '../../../src/storage/types/outbox.js';

export interface OutboxHarness {
  /** Two stores over one outbox (two instances sharing a database, where the backend has them). */
  outbox: OutboxStore;
  second: OutboxStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 5, 1, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

export function newMessage(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return { id: uuidv7(), channel: 'mail', kind: 'verify_email', recipient: 'ann@example.com', payload: 'sealed:abc', createdAt: at(0), ...overrides };
}

/** Claims until nothing is due, and answers what was claimed. */
async function drain(outbox: OutboxStore, now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const rows = await outbox.claimDue(now, 3, 60_000);
    if (rows.length === 0) return ids;
    ids.push(...rows.map((row) => row.id));
  }
}

export function describeOutboxStore(name: string, skip: string | false, open: () => Promise<OutboxHarness>): void {
  describe(`OutboxStore contract: ${name}`, { skip }, () => {
    let h: OutboxHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('claims due rows oldest first, with the attempt counted and the lease as next attempt', async () => {
      const first = newMessage({ recipient: 'first@example.com' });
      const second = newMessage({ recipient: 'second@example.com' });
      await h.outbox.enqueue(first);
      await h.outbox.enqueue(second);
      assert.deepEqual(await h.outbox.counts(), { pending: 2, failed: 0 });
      const claimed = await h.outbox.claimDue(at(1), 10, 60_000);
      assert.deepEqual(claimed, [first, second].map((m) => ({ ...m, attempts: 1, nextAttemptAt: at(61), lastError: null })));
      assert.deepEqual(await h.outbox.claimDue(at(30), 10, 60_000), [], 'leased');
      await h.outbox.markSent(first.id);
      await h.outbox.markSent(second.id);
      assert.deepEqual(await h.outbox.counts(), { pending: 0, failed: 0 });
    });

    test('a row whose lease ran out is claimed again (the claimer died before marking it)', async () => {
      const message = newMessage();
      await h.outbox.enqueue(message);
      assert.equal((await h.outbox.claimDue(at(1), 10, 60_000)).length, 1);
      const again = await h.outbox.claimDue(at(61), 10, 60_000);
      assert.deepEqual(again.map((row) => [row.id, row.attempts]), [[message.id, 2]]);
      await h.outbox.markSent(message.id);
    });

    test('a failed row is due again at its retry time with its error; a given-up row is never claimed and loses its payload', async () => {
      const message = newMessage();
      await h.outbox.enqueue(message);
      await h.outbox.claimDue(at(1), 10, 60_000);
      await h.outbox.markFailed(message.id, '451 try later', at(31));
      assert.deepEqual(await h.outbox.claimDue(at(30), 10, 60_000), []);
      const [retried] = await h.outbox.claimDue(at(31), 10, 60_000);
      assert.deepEqual(retried, { ...message, attempts: 2, nextAttemptAt: at(91), lastError: '451 try later' });
      await h.outbox.markFailed(message.id, 'x'.repeat(600), null);
      assert.deepEqual(await h.outbox.claimDue(at(10_000), 10, 60_000), []);
      assert.deepEqual(await h.outbox.counts(), { pending: 0, failed: 1 });
    });

    test('settle records a batch of outcomes at once: sent rows deleted, failed ones due again or given up', async () => {
      const [sent1, sent2, retried, gone] = Array.from({ length: 4 }, (_, i) => newMessage({ recipient: `batch${i}@example.com` }));
      const before = await h.outbox.counts();
      for (const message of [sent1!, sent2!, retried!, gone!]) await h.outbox.enqueue(message);
      assert.equal((await h.outbox.claimDue(at(1), 10, 60_000)).length, 4);
      await h.outbox.settle([
        { id: sent2!.id, sent: true }, { id: retried!.id, sent: false, error: '451 try later', retryAt: at(31) },
        { id: sent1!.id, sent: true }, { id: gone!.id, sent: false, error: 'answered 500', retryAt: null },
      ]);
      assert.deepEqual(await h.outbox.counts(), { pending: before.pending + 1, failed: before.failed + 1 });
      const [again] = await h.outbox.claimDue(at(31), 10, 60_000);
      assert.deepEqual([again!.id, again!.attempts, again!.lastError], [retried!.id, 2, '451 try later']);
      await h.outbox.settle([]);
      await h.outbox.settle([{ id: retried!.id, sent: true }]);
      assert.deepEqual(await h.outbox.counts(), { pending: before.pending, failed: before.failed + 1 });
      await h.outbox.markSent(gone!.id);
    });

    test('a claim takes only the rows of its channel; a row written without one is mail', async () => {
      const mail = newMessage();
      const { channel: _none, ...unnamed } = newMessage();
      const hook = newMessage({ channel: 'webhook', kind: 'user.created', recipient: 'endpoint-1' });
      for (const message of [mail, unnamed, hook]) await h.outbox.enqueue(message);
      const webhooks = await h.outbox.claimDue(at(1), 10, 60_000, 'webhook');
      assert.deepEqual(webhooks.map((row) => [row.id, row.channel]), [[hook.id, 'webhook']]);
      const mails = await h.outbox.claimDue(at(1), 10, 60_000);
      assert.deepEqual(mails.map((row) => [row.id, row.channel]).sort(), [[mail.id, 'mail'], [unnamed.id, 'mail']].sort());
      for (const id of [mail.id, unnamed.id, hook.id]) await h.outbox.markSent(id);
    });

    test('a renewed lease keeps the row from other claims; a renewal with a stale lease end, or after a failure, changes nothing', async () => {
      const message = newMessage();
      await h.outbox.enqueue(message);
      const [row] = await h.outbox.claimDue(at(1), 10, 20_000);
      assert.deepEqual(row!.nextAttemptAt, at(21));
      assert.equal(await h.outbox.renewLease(message.id, at(21), at(35)), true);
      assert.deepEqual(await h.second.claimDue(at(30), 10, 20_000), [], 'still leased after the first lease would have ended');
      assert.equal(await h.outbox.renewLease(message.id, at(21), at(50)), false, 'a stale lease end');
      await h.outbox.markFailed(message.id, '451 try later', at(100));
      assert.equal(await h.outbox.renewLease(message.id, at(35), at(60)), false, 'the failure set the retry time');
      assert.deepEqual((await h.second.claimDue(at(100), 10, 20_000)).map((r) => r.id), [message.id]);
      await h.outbox.markSent(message.id);
    });

    test('requeue writes a missing row, restarts a given-up one with its payload, and leaves a pending one be', async () => {
      const hook = newMessage({ channel: 'webhook', kind: 'user.created', recipient: 'endpoint-2', payload: '{"a":1}' });
      assert.equal(await h.outbox.requeue(hook), true, 'a message sent before (its row deleted) is written again');
      assert.equal(await h.outbox.requeue({ ...hook, payload: '{"b":2}' }), false, 'still pending: nothing changes');
      const [claimed] = await h.outbox.claimDue(at(1), 10, 60_000, 'webhook');
      assert.deepEqual([claimed!.id, claimed!.payload, claimed!.attempts], [hook.id, '{"a":1}', 1]);
      await h.outbox.markFailed(hook.id, 'answered 500', null);
      assert.equal(await h.outbox.requeue({ ...hook, payload: '{"a":1}', createdAt: at(100) }), true);
      const [again] = await h.outbox.claimDue(at(100), 10, 60_000, 'webhook');
      assert.deepEqual([again!.id, again!.payload, again!.attempts, again!.lastError], [hook.id, '{"a":1}', 1, null]);
      await h.outbox.markSent(hook.id);
    });

    test('two claimers at once (two instances where the backend serves several) take each row once', async () => {
      const messages = Array.from({ length: 30 }, (_, i) => newMessage({ recipient: `r${i}@example.com` }));
      for (const message of messages) await h.outbox.enqueue(message);
      const [a, b] = await Promise.all([drain(h.outbox, at(100_000)), drain(h.second, at(100_000))]);
      const all = [...a, ...b].sort();
      assert.deepEqual(all, messages.map((m) => m.id).sort());
      for (const id of all) await h.outbox.markSent(id);
    });
  });
}

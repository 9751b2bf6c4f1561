// The audit store's writer over a real SQLite store: events of many requests go out in one write,
// rotations are summarised per session, and a batch that failed (the database away) is written
// once the store answers again, nothing lost and nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ManualClock } from '../../src/core/clock.js';
import { createAuditWriter } from '../../src/jobs/audit-writer.js';
import { createStores } from '../../src/storage/create-stores.js';
import { sqlite } from '../storage/backends.js';

const origin = { ip: '203.0.113.1', userAgent: null };

test('events queued together are one write; rotations become one summary per session; a failed batch is written later, once', async (t) => {
  const { url, drop } = await sqlite.create();
  const stores = await createStores({ databaseUrl: url, migrate: true });
  t.after(async () => { await stores.close(); await drop(); });
  let calls = 0;
  let failNext = false;
  const store = {
    append: async (records: Parameters<typeof stores.audit.append>[0]) => {
      calls += 1;
      if (failNext) {
        failNext = false;
        throw new Error('database away');
      }
      return stores.audit.append(records);
    },
  };
  const writer = createAuditWriter({ store, clock: new ManualClock(), log: pino({ level: 'silent' }), flushIntervalMs: 60_000 });
  t.after(() => writer.close());
  for (let i = 0; i < 3; i += 1) writer.subscriber({ type: 'login_succeeded', userId: `u${i}`, sessionId: `s${i}`, amr: ['pwd'], ...origin });
  for (let i = 0; i < 4; i += 1) writer.subscriber({ type: 'refresh', outcome: 'rotated', userId: 'u0', sessionId: 's0', ...origin });
  writer.subscriber({ type: 'refresh', outcome: 'reused_revoked', reason: 'refresh_token_reused', userId: 'u1', sessionId: 's1', ...origin });
  failNext = true;
  await writer.flush();
  assert.equal(calls, 1);
  assert.deepEqual(await stores.audit.find({ limit: 100 }), [], 'the failed batch wrote nothing');
  await writer.flush();
  assert.equal(calls, 2, 'one write for the whole batch');
  const stored = await stores.audit.find({ limit: 100 });
  assert.deepEqual(stored.map((r) => [r.type, r.sessionId, r.data.outcome ?? null, r.data.count ?? null]).sort(), [
    ['login_succeeded', 's0', null, null], ['login_succeeded', 's1', null, null], ['login_succeeded', 's2', null, null],
    ['refresh', 's0', 'rotated', 4], ['refresh', 's1', 'reused_revoked', null],
  ].sort());
  await writer.flush();
  assert.equal((await stores.audit.find({ limit: 100 })).length, 5, 'nothing written twice');
});

test('batches waiting behind a slow write count toward the 50,000 cap: memory stays bounded while the store hangs', async (t) => {
  let release!: () => void;
  const hanging = new Promise<void>((resolve) => { release = resolve; });
  let stored = 0;
  const store = {
    append: async (records: readonly unknown[]) => {
      await hanging; // the database answers nothing until released
      stored += records.length;
    },
  };
  const writer = createAuditWriter({ store, clock: new ManualClock(), log: pino({ level: 'silent' }), flushIntervalMs: 60_000 });
  t.after(() => writer.close());
  // every 500 events a batch leaves the queue for the write chain, where it waits on the hung write
  for (let i = 0; i < 60_000; i += 1) writer.subscriber({ type: 'login_failed', reason: 'invalid_credentials', ...origin });
  release();
  await writer.flush();
  assert.equal(stored, 50_000, 'past the cap new events are dropped, wherever the earlier ones wait');
});

// The contract every AuditStore passes (storage/types/audit.ts): records read back as written,
// newest first; each filter and the time bounds hold, and keyset pages neither skip nor repeat a
// record at 100 k rows; retention deletes only what is older than its bound.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import type { AuditQuery, AuditRecord, AuditStore } from '../../../src/storage/types/audit.js';

const T0 = Date.UTC(2026, 0, 1);
const ROWS = 100_000;
const TYPES = ['login_succeeded', 'login_failed', 'refresh', 'logout', 'admin_user_updated'];
const userId = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** Record i: one every 86.4 s over 100 days, about 1,000 subjects, 5 types, 50 addresses. */
function record(i: number): AuditRecord {
  const ms = T0 + i * 86_400;
  const admin = i % 5 === 4;
  return {
    id: uuidv7({ msecs: ms }), time: new Date(ms), type: TYPES[i % 5]!,
    actorId: admin ? userId(1_000_000) : userId(i % 997), subjectId: userId(i % 997),
    ip: `10.0.0.${i % 50}`, userAgent: 'agent', sessionId: null, data: { n: i },
  };
}

/** Every page of `query`, `limit` at a time, following next cursors. */
async function allPages(store: AuditStore, query: Omit<AuditQuery, 'limit' | 'after'>, limit: number): Promise<AuditRecord[]> {
  const seen: AuditRecord[] = [];
  for (let after: string | undefined; ;) {
    const page = await store.find({ ...query, limit, after });
    seen.push(...page);
    if (page.length < limit) return seen;
    after = page.at(-1)!.id;
  }
}

export function describeAuditStore(name: string, skip: string | false, open: () => Promise<{ audit: AuditStore; close(): Promise<void> }>): void {
  describe(`AuditStore contract: ${name}`, { skip }, () => {
    let h: { audit: AuditStore; close(): Promise<void> };
    let records: AuditRecord[];
    before(async () => {
      h = await open();
      records = Array.from({ length: ROWS }, (_, i) => record(i));
      for (let i = 0; i < ROWS; i += 5000) await h.audit.append(records.slice(i, i + 5000));
    });
    after(async () => h?.close());

    const newestFirst = (rows: AuditRecord[]) => [...rows].sort((a, b) => (a.id < b.id ? 1 : -1));

    test('reads records back as written, newest first, data and nulls included', async () => {
      const page = await h.audit.find({ limit: 3 });
      assert.deepEqual(page, newestFirst(records).slice(0, 3));
    });

    test('each filter, and the time bounds, select exactly their records at 100 k rows; pages neither skip nor repeat', async () => {
      const cases: Array<[Omit<AuditQuery, 'limit'>, (r: AuditRecord) => boolean]> = [
        [{ subjectId: userId(7) }, (r) => r.subjectId === userId(7)],
        [{ actorId: userId(1_000_000), type: 'admin_user_updated' }, (r) => r.actorId === userId(1_000_000)],
        [{ type: 'login_failed', ip: '10.0.0.11' }, (r) => r.type === 'login_failed' && r.ip === '10.0.0.11'],
        [{ subjectId: userId(3), from: new Date(T0 + 10 * 86_400_000), to: new Date(T0 + 40 * 86_400_000) },
          (r) => r.subjectId === userId(3) && r.time.getTime() >= T0 + 10 * 86_400_000 && r.time.getTime() <= T0 + 40 * 86_400_000],
        [{ from: new Date(T0 + 99 * 86_400_000 + 1) }, (r) => r.time.getTime() >= T0 + 99 * 86_400_000 + 1],
      ];
      for (const [query, holds] of cases) {
        const expected = newestFirst(records.filter(holds));
        assert.ok(expected.length > 20, `${JSON.stringify(query)} selects enough to page`);
        const got = await allPages(h.audit, query, 17);
        assert.deepEqual(got.map((r) => r.id), expected.map((r) => r.id), JSON.stringify(query));
      }
    });

    test('a bound at an exact event time includes that event', async () => {
      const target = records[12_345]!;
      const page = await h.audit.find({ from: target.time, to: target.time, limit: 10 });
      assert.deepEqual(page.map((r) => r.id), [target.id]);
    });

    test('retention deletes the records older than its bound, and only those', async () => {
      const bound = new Date(T0 + 5 * 86_400_000);
      const older = records.filter((r) => r.time < bound).length;
      let deleted = 0;
      for (let n = -1; n !== 0;) {
        n = await h.audit.deleteOlderThan(bound, 1000);
        deleted += n;
      }
      assert.equal(deleted, older);
      const oldest = (await allPages(h.audit, { to: new Date(T0 + 6 * 86_400_000) }, 1000)).at(-1)!;
      assert.ok(oldest.time >= bound);
      assert.equal(oldest.id, records.find((r) => r.time >= bound)!.id);
    });
  });
}

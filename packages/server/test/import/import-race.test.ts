// A user stored between an import's checks and its writes (a registration meanwhile): the batch
// that clashes rolls back whole and the import stops with import_invalid, saying what was written
// and that a re-run finishes it; never a 503 or a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser } from '../helpers.js';
import { AuthError } from '../../src/core/errors.js';
import { importUsers } from '../../src/core/import/import-users.js';

test('a clash at write time rolls its batch back and answers import_invalid; a re-run imports the rest', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  await registerUser(ctx.app, { username: 'early', email: 'early@example.com' });
  const deps = { sessions: ctx.stores.sessions, clock: ctx.clock, roles: ctx.config.roles };
  const source = [{ line: 1, value: { email: 'fresh@example.com' } }, { line: 2, value: { email: 'early@example.com', username: 'early2' } }];
  // checks that saw the database before the registration
  const blind = { ...ctx.stores.userImport, findUsers: async () => [] };
  await assert.rejects(importUsers({ ...deps, store: blind }, source, { skipInvalid: false, update: false }),
    (error: unknown) => error instanceof AuthError && error.code === 'import_invalid' && /lines 1–2/.test(error.message));
  assert.equal(await ctx.stores.users.findByLogin('fresh@example.com'), null, 'the batch rolled back');
  const again = await importUsers({ ...deps, store: ctx.stores.userImport }, source, { skipInvalid: false, update: false });
  assert.deepEqual(again, { ok: true, created: 1, updated: 0, unchanged: 1, skipped: [] });
});

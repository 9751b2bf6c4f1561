// POST /admin/users/import: admins only; an NDJSON body, streamed and bounded; the whole body is
// checked first, so one bad line writes nothing (400 import_invalid with the lines); skip_invalid
// writes the rest; imported users log in with their old passwords.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createTestApp, registerUser, bearer, failure, type TestApp } from '../../helpers.js';
import { PASSWORD, VECTORS } from '../../import/hash-vectors.js';
import { readJsonLines } from '../../../src/core/import/read-lines.js';
import { AuthError } from '../../../src/core/errors.js';

async function setup(t: TestContext): Promise<{ ctx: TestApp; token: string }> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const admin = await registerUser(ctx.app, { username: 'root_admin' });
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  return { ctx, token: admin.tokens.access_token };
}

const ndjson = (lines: unknown[]) => lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');

const post = (ctx: TestApp, token: string, body: string, query = '', contentType = 'application/x-ndjson') =>
  ctx.app.inject({ method: 'POST', url: `/admin/users/import${query}`, headers: { ...bearer(token), 'content-type': contentType }, payload: body });

const LINES = [
  { email: 'ada@example.com', username: 'ada', password_hash: VECTORS['pbkdf2-sha512'] },
  { email: 'alan@example.com', password_hash: VECTORS.scrypt, role: 'admin' },
];

test('a user without the admin role gets 403 insufficient_role and nothing is read', async (t) => {
  const { ctx } = await setup(t);
  const plain = await registerUser(ctx.app);
  assert.deepEqual(failure(await post(ctx, plain.tokens.access_token, ndjson(LINES))), { status: 403, code: 'insufficient_role' });
  assert.equal(await ctx.stores.users.findByLogin('ada'), null);
});

test('the lines are imported and log in with their passwords; a second post changes nothing', async (t) => {
  const { ctx, token } = await setup(t);
  const res = await post(ctx, token, ndjson(LINES));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { created: 2, updated: 0, unchanged: 0, skipped: [] });
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alan', password: PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  assert.equal((await ctx.stores.users.findByLogin('alan'))!.role, 'admin');
  assert.deepEqual((await post(ctx, token, ndjson(LINES))).json(), { created: 0, updated: 0, unchanged: 2, skipped: [] });
});

test('one bad line writes nothing: 400 import_invalid listing each bad line; skip_invalid=true writes the rest', async (t) => {
  const { ctx, token } = await setup(t);
  const body = ndjson([...LINES, { email: 'root_admin@example.com', id: '0190a5e4-4c3b-7d2e-9f10-1a2b3c4d5e6f' }, { email: 'x@example.com', password_hash: 'secret' }]);
  const refused = await post(ctx, token, body);
  assert.deepEqual(failure(refused), { status: 400, code: 'import_invalid' });
  assert.deepEqual(refused.json().lines, [
    { line: 3, reason: 'email belongs to another user' },
    { line: 4, reason: 'password_hash is in no format Gatehouse reads, or its cost is past the limits (see docs/migrating.md)' },
  ]);
  assert.doesNotMatch(refused.body, /secret/);
  assert.equal(await ctx.stores.users.findByLogin('ada'), null);

  const partial = await post(ctx, token, body, '?skip_invalid=true');
  assert.equal(partial.statusCode, 200, partial.body);
  assert.deepEqual(partial.json(), { created: 2, updated: 0, unchanged: 0, skipped: refused.json().lines });
});

test('a JSON body is 415 naming application/x-ndjson; an unknown query parameter is 400', async (t) => {
  const { ctx, token } = await setup(t);
  const json = await post(ctx, token, JSON.stringify(LINES[0]), '', 'application/json');
  assert.deepEqual(failure(json), { status: 415, code: 'unsupported_media_type' });
  assert.match(json.json().message, /application\/x-ndjson/);
  assert.deepEqual(failure(await post(ctx, token, ndjson(LINES), '?force=true')), { status: 400, code: 'validation_failed' });
});

test('the reader stops at its bounds with 413 payload_too_large, and numbers lines across chunks', async () => {
  const chunks = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part)));
  const lines = await readJsonLines(chunks('{"a":1}\n\n{"b"', ':"é"}\nnot json'));
  assert.deepEqual(lines.slice(0, 2), [{ line: 1, value: { a: 1 } }, { line: 3, value: { b: 'é' } }]);
  assert.equal(lines[2]!.line, 4);
  assert.ok('error' in lines[2]!);
  await assert.rejects(readJsonLines(chunks('{}\n'.repeat(10)), { maxBytes: 20 }), (e: unknown) => e instanceof AuthError && e.code === 'payload_too_large');
  await assert.rejects(readJsonLines(chunks('{}\n'.repeat(10)), { maxLines: 5 }), (e: unknown) => e instanceof AuthError && e.code === 'payload_too_large');
});

test('update=true never demotes or disables an admin (the last-admin rule stays with the admin API): the line is refused', async (t) => {
  const { ctx, token } = await setup(t);
  for (const line of [{ email: 'root_admin@example.com', role: 'user' }, { email: 'root_admin@example.com', disabled: true }]) {
    const res = await post(ctx, token, ndjson([line]), '?update=true');
    assert.deepEqual(failure(res), { status: 400, code: 'import_invalid' });
    assert.deepEqual(res.json().lines, [{ line: 1, reason: 'an import does not demote or disable an admin: use gatehouse user role or user disable' }]);
  }
  const admin = (await ctx.stores.users.findByLogin('root_admin@example.com'))!;
  assert.deepEqual({ role: admin.role, disabled: admin.disabled }, { role: 'admin', disabled: false });
  assert.deepEqual((await post(ctx, token, ndjson([{ email: 'root_admin@example.com', full_name: 'Root' }]), '?update=true')).json(),
    { created: 0, updated: 1, unchanged: 0, skipped: [] });
});

test('an import that writes is one audit event naming the admin and the counts, never a line or a hash', async (t) => {
  const raw: string[] = [];
  const ctx = await createTestApp({ LOG_LEVEL: 'info' }, { logStream: { write: (line: string) => { raw.push(line); } } });
  t.after(() => ctx.close());
  const admin = await registerUser(ctx.app, { username: 'root_admin' });
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  assert.equal((await post(ctx, admin.tokens.access_token, ndjson([...LINES, { email: 'bad' }]), '?skip_invalid=true')).statusCode, 200);
  const events = raw.map((line) => JSON.parse(line) as { audit?: Record<string, unknown> }).filter((line) => line.audit?.type === 'admin_users_imported');
  assert.equal(events.length, 1);
  assert.deepEqual({ ...events[0]!.audit, ip: undefined, sessionId: undefined, userAgent: undefined },
    { type: 'admin_users_imported', created: 2, updated: 0, skipped: 1, userId: admin.userId, ip: undefined, sessionId: undefined, userAgent: undefined });
  assert.doesNotMatch(raw.join('\n'), /pbkdf2|scrypt|ada@example/);
});

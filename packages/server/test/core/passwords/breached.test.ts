// The optional breached-password check (ASVS 2.1.7) against a tiny HIBP-style range server on
// 127.0.0.1: only a 5-character SHA-1 prefix leaves the process, listed passwords are refused at
// register and password change, and an endpoint that fails or hangs lets the password through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { AuthError } from '../../../src/core/errors.js';
import { createBreachedPasswords, listsSuffix } from '../../../src/core/passwords/breached.js';
import { bearer, createTestApp, failure, registerUser } from '../../helpers.js';

const BREACHED = 'a breached passphrase 1';
const CLEAN = 'a clean passphrase 2';
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

type Mode = 'answer' | 'fail' | 'hang';

interface RangeServer {
  url: string;
  paths: string[];
  mode: Mode;
  close(): Promise<void>;
}

/** Answers /range/PREFIX with BREACHED's suffix listed, a padding line, and an unrelated line. */
async function startRangeServer(t: { after(fn: () => Promise<void>): void }): Promise<RangeServer> {
  const listed = sha1(BREACHED);
  const state: RangeServer = { url: '', paths: [], mode: 'answer', close: async () => undefined };
  const server: Server = createServer((req, res) => {
    state.paths.push(req.url ?? '');
    if (state.mode === 'hang') return; // never answers; closed with the server
    if (state.mode === 'fail') return void res.writeHead(503).end('busy');
    const prefix = (req.url ?? '').split('/').pop() ?? '';
    const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:10', `${sha1(CLEAN).slice(5)}:0`];
    if (listed.startsWith(prefix)) lines.push(`${listed.slice(5)}:3730471`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  state.url = `http://127.0.0.1:${address.port}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  t.after(() => state.close());
  return state;
}

test('a SUFFIX:COUNT line with a count above zero lists the password; padding lines (count 0) do not', () => {
  assert.equal(listsSuffix('AAA:0\r\nBBB:2\r\n', 'BBB'), true);
  assert.equal(listsSuffix('aaa:0\nbbb:2', 'BBB'), true);
  assert.equal(listsSuffix('AAA:0\r\nBBB:0', 'BBB'), false);
  assert.equal(listsSuffix('', 'BBB'), false);
  assert.equal(listsSuffix('garbage\n:\n::::', 'BBB'), false);
});

test('sends only the first 5 hex characters of the SHA-1, and finds a listed password', async (t) => {
  const range = await startRangeServer(t);
  const check = createBreachedPasswords({ url: range.url, timeoutMs: 2000 });
  assert.equal(await check.isBreached(BREACHED), true);
  assert.equal(await check.isBreached(CLEAN), false);
  assert.deepEqual(range.paths, [`/range/${sha1(BREACHED).slice(0, 5)}`, `/range/${sha1(CLEAN).slice(0, 5)}`]);
  for (const path of range.paths) {
    assert.ok(!path.includes(sha1(BREACHED).slice(5)) && !path.includes('passphrase'), path);
  }
});

test('refuseIfBreached throws 400 password_breached for a listed password only', async (t) => {
  const range = await startRangeServer(t);
  const check = createBreachedPasswords({ url: range.url, timeoutMs: 2000 });
  await assert.rejects(check.refuseIfBreached(BREACHED), (error: unknown) =>
    error instanceof AuthError && error.code === 'password_breached' && error.statusCode === 400);
  await check.refuseIfBreached(CLEAN);
});

test('fails open: an endpoint that errors, hangs past the timeout or is not there allows the password and reports why', async (t) => {
  const range = await startRangeServer(t);
  const reported: unknown[] = [];
  const check = createBreachedPasswords({ url: range.url, timeoutMs: 200, onUnavailable: (error) => reported.push(error) });
  range.mode = 'fail';
  assert.equal(await check.isBreached(BREACHED), false);
  range.mode = 'hang';
  assert.equal(await check.isBreached(BREACHED), false);
  await range.close();
  assert.equal(await check.isBreached(BREACHED), false);
  assert.equal(reported.length, 3);
});

test('with PWNED_PASSWORDS_URL set, registration refuses a breached password with 400 password_breached', async (t) => {
  const range = await startRangeServer(t);
  const ctx = await createTestApp({ PWNED_PASSWORDS_URL: range.url });
  t.after(() => ctx.close());
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/register', payload: { username: 'breachy', email: 'breachy@example.com', password: BREACHED },
  });
  assert.deepEqual(failure(res), { status: 400, code: 'password_breached' });
  const ok = await ctx.app.inject({
    method: 'POST', url: '/auth/register', payload: { username: 'cleany', email: 'cleany@example.com', password: CLEAN },
  });
  assert.equal(ok.statusCode, 201);
});

test('with PWNED_PASSWORDS_URL set, a password change to a breached password is 400 password_breached', async (t) => {
  const range = await startRangeServer(t);
  const ctx = await createTestApp({ PWNED_PASSWORDS_URL: range.url });
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app);
  const change = (newPassword: string) => ctx.app.inject({
    method: 'POST', url: '/users/me/password', headers: bearer(user.tokens.access_token),
    payload: { current_password: user.password, new_password: newPassword },
  });
  assert.deepEqual(failure(await change(BREACHED)), { status: 400, code: 'password_breached' });
  assert.equal((await change(CLEAN)).statusCode, 200);
});

test('registration still succeeds when the breached-password endpoint is down', async (t) => {
  const range = await startRangeServer(t);
  range.mode = 'fail';
  const ctx = await createTestApp({ PWNED_PASSWORDS_URL: range.url, PWNED_PASSWORDS_TIMEOUT_MS: '200' });
  t.after(() => ctx.close());
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/register', payload: { username: 'downy', email: 'downy@example.com', password: BREACHED },
  });
  assert.equal(res.statusCode, 201);
  assert.equal(range.paths.length, 1);
});

test('off by default: without PWNED_PASSWORDS_URL a password only the range API would list is accepted', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  assert.equal(ctx.config.pwnedPasswordsUrl, undefined);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/register', payload: { username: 'offy', email: 'offy@example.com', password: BREACHED },
  });
  assert.equal(res.statusCode, 201);
});

// HTTP hardening (abuse limits): progressive delay and the hourly cap on failed logins
// per account (ASVS 2.2.1), X-Forwarded-For believed only under TRUST_PROXY, security headers,
// the CORS allow-list, and the size and time limits of a request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { bearer, createTestApp, failure, registerUser, type TestApp } from '../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

function login(app: FastifyInstance, username: string, password: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, headers });
}

const DELAY = { LOGIN_DELAY_AFTER_FAILURES: '2', LOGIN_DELAY_MAX: '1m' };

// Progressive delay and the hourly cap (ASVS 2.2.1)

test('after LOGIN_DELAY_AFTER_FAILURES failures in a row the account waits: 429 rate_limited with Retry-After, even for the right password', async (t) => {
  const ctx = await appFor(t, DELAY);
  const user = await registerUser(ctx.app);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(failure(await login(ctx.app, user.username, `wrong password ${i}`)), { status: 401, code: 'invalid_credentials' });
  }
  const res = await login(ctx.app, user.username, user.password);
  assert.deepEqual(failure(res), { status: 429, code: 'rate_limited' });
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(res.headers['retry-after']));
});

test('an unknown account is delayed exactly like a real one (no enumeration)', async (t) => {
  const ctx = await appFor(t, DELAY);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(failure(await login(ctx.app, 'nobody_at_all', `wrong password ${i}`)), { status: 401, code: 'invalid_credentials' });
  }
  assert.deepEqual(failure(await login(ctx.app, 'nobody_at_all', 'another guess')), { status: 429, code: 'rate_limited' });
});

test('the delay is per account: another account from the same IP is not slowed', async (t) => {
  const ctx = await appFor(t, DELAY);
  const victim = await registerUser(ctx.app);
  const other = await registerUser(ctx.app);
  for (let i = 0; i < 3; i++) await login(ctx.app, victim.username, `wrong password ${i}`);
  assert.equal((await login(ctx.app, other.username, other.password)).statusCode, 200);
});

test('a successful login ends the failure streak, so the delay starts over', async (t) => {
  const ctx = await appFor(t, DELAY);
  const user = await registerUser(ctx.app);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(failure(await login(ctx.app, user.username, 'wrong password')), { status: 401, code: 'invalid_credentials' });
    }
    assert.equal((await login(ctx.app, user.username, user.password)).statusCode, 200, `round ${round}`);
  }
});

test('LOGIN_DELAY_MAX=off turns the delay off', async (t) => {
  const ctx = await appFor(t, { LOGIN_DELAY_AFTER_FAILURES: '0', LOGIN_DELAY_MAX: 'off' });
  const user = await registerUser(ctx.app);
  for (let i = 0; i < 5; i++) await login(ctx.app, user.username, 'wrong password');
  assert.equal((await login(ctx.app, user.username, user.password)).statusCode, 200);
});

test('no more failures per account and hour than RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY, and a success does not reset that count', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '3/1h', LOGIN_DELAY_MAX: 'off' });
  const user = await registerUser(ctx.app);
  for (let i = 0; i < 2; i++) await login(ctx.app, user.username, 'wrong password');
  assert.equal((await login(ctx.app, user.username, user.password)).statusCode, 200);
  assert.deepEqual(failure(await login(ctx.app, user.username, 'wrong password')), { status: 401, code: 'invalid_credentials' });
  const res = await login(ctx.app, user.username, user.password);
  assert.deepEqual(failure(res), { status: 429, code: 'rate_limited' });
  assert.ok(Number(res.headers['retry-after']) > 0);
});

test('concurrent wrong guesses cannot overrun the hourly cap', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '4/1h', LOGIN_DELAY_MAX: 'off' });
  const user = await registerUser(ctx.app);
  const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => login(ctx.app, user.username, `guess number ${i}`)));
  const codes = answers.map((res) => failure(res).code);
  assert.equal(codes.filter((code) => code === 'invalid_credentials').length, 4, codes.join());
  assert.equal(codes.filter((code) => code === 'rate_limited').length, 12, codes.join());
});

// TRUST_PROXY

async function sessionIp(app: FastifyInstance, headers: Record<string, string>, remoteAddress = '127.0.0.1') {
  const user = await registerUser(app);
  const res = await app.inject({
    method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password }, headers, remoteAddress,
  });
  assert.equal(res.statusCode, 200, res.body);
  const sessions = await app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(res.json().access_token) });
  return (sessions.json().sessions as Array<{ current: boolean; ip: string }>).find((s) => s.current)!.ip;
}

test('without TRUST_PROXY, X-Forwarded-For is ignored: the client IP is the socket address', async (t) => {
  const ctx = await appFor(t);
  assert.equal(await sessionIp(ctx.app, { 'x-forwarded-for': '198.51.100.9' }, '192.0.2.1'), '192.0.2.1');
});

test('with TRUST_PROXY set, the client IP comes from X-Forwarded-For', async (t) => {
  for (const TRUST_PROXY of ['1', '192.0.2.1', 'true']) {
    const ctx = await appFor(t, { TRUST_PROXY });
    assert.equal(await sessionIp(ctx.app, { 'x-forwarded-for': '198.51.100.9' }, '192.0.2.1'), '198.51.100.9', TRUST_PROXY);
  }
});

test('with TRUST_PROXY naming a proxy, X-Forwarded-For from any other address is ignored', async (t) => {
  const ctx = await appFor(t, { TRUST_PROXY: '10.0.0.1' });
  assert.equal(await sessionIp(ctx.app, { 'x-forwarded-for': '198.51.100.9' }, '192.0.2.1'), '192.0.2.1');
});

test('with a hop count, only that many proxies are believed: a client cannot prepend its own X-Forwarded-For', async (t) => {
  const ctx = await appFor(t, { TRUST_PROXY: '1' });
  assert.equal(await sessionIp(ctx.app, { 'x-forwarded-for': '203.0.113.66, 198.51.100.9' }, '192.0.2.1'), '198.51.100.9');
});

test('a spoofed X-Forwarded-For does not get around the per-IP limit when TRUST_PROXY is off', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_LOGIN_PER_IP: '2/1m' });
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await login(ctx.app, 'someone', 'a password guess', { 'x-forwarded-for': `198.51.100.${i}` }));
  assert.deepEqual(failure(answers[2]!), { status: 429, code: 'rate_limited' });
});

// Security headers

const API_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";
const DOCUMENT_HEADERS = ['referrer-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster'];

test('every answer, errors included, carries the API security headers, and JSON answers only those', async (t) => {
  const ctx = await appFor(t);
  const answers = [
    await ctx.app.inject({ method: 'GET', url: '/healthz' }),
    await ctx.app.inject({ method: 'GET', url: '/no/such/route' }),
    await ctx.app.inject({ method: 'GET', url: '/users/me' }),
    await login(ctx.app, 'nobody', 'a password guess'),
  ];
  for (const res of answers) {
    assert.equal(res.headers['content-security-policy'], API_CSP, res.body);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.equal(res.headers['x-powered-by'], undefined);
    // helmet's document headers act on HTML pages only; JSON answers go without them
    for (const name of DOCUMENT_HEADERS) assert.equal(res.headers[name], undefined, name);
  }
  assert.deepEqual(failure(answers[1]!), { status: 404, code: 'not_found' });
});

test('/docs has its own CSP that lets Swagger UI load its own scripts and styles, and no more', async (t) => {
  const ctx = await appFor(t);
  for (const url of ['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/json']) {
    const res = await ctx.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self';/, url);
    assert.match(csp, /style-src 'self'/, url);
    assert.match(csp, /frame-ancestors 'none'/, url);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
  }
  // the page itself is an HTML document: helmet's document headers too
  const page = await ctx.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
  const api = await ctx.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(api.headers['content-security-policy'], API_CSP);
});

// CORS

function preflight(app: FastifyInstance, origin: string) {
  return app.inject({
    method: 'OPTIONS', url: '/auth/login',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

test('CORS is off by default: no Access-Control headers, and a preflight is 405 method_not_allowed like any method a path lacks', async (t) => {
  const ctx = await appFor(t);
  const pre = await preflight(ctx.app, 'https://app.example');
  assert.deepEqual(failure(pre), { status: 405, code: 'method_not_allowed' });
  assert.equal(pre.headers.allow, 'POST');
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  const get = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://app.example' } });
  assert.equal(get.headers['access-control-allow-origin'], undefined);
});

test('with CORS_ORIGINS, a listed origin is allowed and any other is not', async (t) => {
  const ctx = await appFor(t, { CORS_ORIGINS: 'https://app.example,http://localhost:5173' });
  const allowed = await preflight(ctx.app, 'https://app.example');
  assert.equal(allowed.statusCode, 204);
  assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
  assert.match(String(allowed.headers['access-control-allow-methods']), /POST/);
  assert.match(String(allowed.headers['access-control-allow-headers']), /authorization/);
  assert.equal(allowed.headers['access-control-allow-credentials'], undefined);

  const get = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'http://localhost:5173' } });
  assert.equal(get.headers['access-control-allow-origin'], 'http://localhost:5173');

  for (const origin of ['https://evil.example', 'https://app.example.evil.example', 'null']) {
    const res = await preflight(ctx.app, origin);
    assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
  }
});

// Size and time limits

test('a body over BODY_LIMIT_BYTES is 413 payload_too_large, on JSON and form routes', async (t) => {
  const ctx = await appFor(t, { BODY_LIMIT_BYTES: '1024' });
  const big = 'x'.repeat(2048);
  const json = await login(ctx.app, big, 'a password guess');
  assert.deepEqual(failure(json), { status: 413, code: 'payload_too_large' });
  const form = await ctx.app.inject({
    method: 'POST', url: '/token', payload: `grant_type=password&username=${big}&password=x`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.statusCode, 413);
  assert.equal(form.json().error, 'invalid_request');
});

/** One raw HTTP exchange with a listening app; resolves with what the server wrote before closing. */
function rawExchange(port: number, request: string, keepOpen = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer; got so far: ${answer}`)));
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.write(request);
    if (!keepOpen) socket.end();
  });
}

async function listen(t: { after(fn: () => Promise<void>): void }, env: Record<string, string>): Promise<number> {
  const ctx = await appFor(t, env);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

function parseAnswer(raw: string): { status: number; body: Record<string, unknown> } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
}

test('request headers over MAX_HEADER_BYTES are refused with 431 headers_too_large', async (t) => {
  const port = await listen(t, { MAX_HEADER_BYTES: '2048' });
  const ok = parseAnswer(await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
  assert.equal(ok.status, 200);
  const raw = await rawExchange(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(4096)}\r\n\r\n`);
  const answer = parseAnswer(raw);
  assert.equal(answer.status, 431);
  assert.equal(answer.body.code, 'headers_too_large');
});

test('a request that does not arrive within REQUEST_TIMEOUT is answered 408 request_timeout and the socket closed', async (t) => {
  const port = await listen(t, { REQUEST_TIMEOUT: '1s' });
  // Headers begun but never finished (slow loris): the server must give up on its own.
  const answer = parseAnswer(await rawExchange(port, 'POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n', true));
  assert.equal(answer.status, 408);
  assert.equal(answer.body.code, 'request_timeout');
});

test('garbage instead of HTTP is answered 400 validation_failed, and the server keeps serving', async (t) => {
  const port = await listen(t, {});
  const answer = parseAnswer(await rawExchange(port, 'HELLO \u0000 THERE\r\n\r\n'));
  assert.equal(answer.status, 400);
  assert.equal(answer.body.code, 'validation_failed');
  const ok = parseAnswer(await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
  assert.equal(ok.status, 200);
});

test('a forwarded address that is not an IP address is neither stored nor used, even with TRUST_PROXY', async (t) => {
  const ctx = await createTestApp({ TRUST_PROXY: 'true' });
  t.after(() => ctx.close());
  const { username, password } = await registerUser(ctx.app);
  const forged = 'x'.repeat(300);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/login', headers: { 'x-forwarded-for': forged }, payload: { username, password },
  });
  assert.equal(res.statusCode, 200);
  const sessions = await ctx.app.inject({
    method: 'GET', url: '/users/me/sessions', headers: { authorization: `Bearer ${res.json().access_token}` },
  });
  const mine = sessions.json().sessions.find((s: { current: boolean }) => s.current);
  assert.equal(mine.ip, '127.0.0.1');
});

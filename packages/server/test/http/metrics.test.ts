// GET /metrics: Prometheus text with the documented series, counts per app (not per process),
// route patterns rather than raw URLs, and the optional bearer token and IP allow-list, which
// NODE_ENV=production requires (without either, /metrics is off there and the start says why).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD as IMPORTED_PASSWORD, VECTORS } from '../import/hash-vectors.js';
import { createTestApp, registerUser, bearer, failure, MAIL_OFF, TEST_SECRET, type Pair, type TestApp } from '../helpers.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createGatehouse } from '../../src/compose.js';

const SERIES = [
  'gatehouse_http_requests_total counter',
  'gatehouse_http_request_duration_seconds histogram',
  'gatehouse_logins_total counter',
  'gatehouse_refreshes_total counter',
  'gatehouse_audit_events_total counter',
  'gatehouse_password_hash_duration_seconds histogram',
  'gatehouse_password_hash_queue_depth gauge',
  'gatehouse_password_weak_hash_verifications_total counter',
  'gatehouse_password_hashes_shed_total counter',
  'gatehouse_store_errors_total counter',
  'gatehouse_mail_deliveries_total counter',
  'gatehouse_mail_outbox_messages gauge',
  'process_cpu_seconds_total counter',
  'nodejs_eventloop_lag_seconds gauge',
];

async function setup(t: TestContext, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

async function scrape(ctx: TestApp): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200, res.body);
  return res.body;
}

/** The value of one sample line, e.g. `gatehouse_logins_total{outcome="success"}`; undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('GET /metrics answers Prometheus text listing every documented series', async (t) => {
  const ctx = await setup(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  for (const series of SERIES) assert.ok(res.body.includes(`# TYPE ${series}\n`), series);
  assert.equal(sample(res.body, 'gatehouse_password_hash_queue_depth'), 0);
});

test('requests are counted by route pattern and status, never by raw URL', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  await ctx.app.inject({ method: 'GET', url: `/admin/users/${user.userId}`, headers: bearer(user.tokens.access_token) });
  await ctx.app.inject({ method: 'GET', url: '/no/such/path?x=1' });
  const text = await scrape(ctx);
  assert.equal(sample(text, 'gatehouse_http_requests_total{method="POST",route="/auth/register",status_code="201"}'), 1);
  assert.equal(sample(text, 'gatehouse_http_requests_total{method="GET",route="/admin/users/:id",status_code="403"}'), 1);
  assert.equal(sample(text, 'gatehouse_http_requests_total{method="GET",route="unmatched",status_code="404"}'), 1);
  assert.equal(sample(text, 'gatehouse_http_request_duration_seconds_count{method="POST",route="/auth/register"}'), 1);
  assert.equal(text.includes(user.userId), false);
  assert.equal(text.includes('/no/such/path'), false);
});

test('login outcomes, refresh outcomes and password hashing are counted', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'not the password at all' } });
  await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
  const refresh = (p: Pair) => ctx.app.inject({ method: 'POST', url: '/auth/refresh', payload: { access_token: p.access_token, refresh_token: p.refresh_token } });
  assert.equal((await refresh(user.tokens)).statusCode, 200);
  ctx.clock.advance(60_000);
  assert.deepEqual(failure(await refresh(user.tokens)), { status: 401, code: 'refresh_token_reused' });
  const text = await scrape(ctx);
  assert.equal(sample(text, 'gatehouse_logins_total{outcome="invalid_credentials"}'), 1);
  assert.equal(sample(text, 'gatehouse_logins_total{outcome="success"}'), 1);
  assert.equal(sample(text, 'gatehouse_refreshes_total{outcome="rotated",reason=""}'), 1);
  assert.equal(sample(text, 'gatehouse_refreshes_total{outcome="reused_revoked",reason=""}'), 1);
  assert.equal(sample(text, 'gatehouse_audit_events_total{type="register"}'), 1);
  assert.equal(sample(text, 'gatehouse_password_hash_duration_seconds_count{operation="hash"}'), 1);
  assert.equal(sample(text, 'gatehouse_password_hash_duration_seconds_count{operation="verify"}'), 2);
});

test('answers 503 store_unavailable are counted as store errors by route', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.close(); // the database goes away under the running app
  assert.deepEqual(failure(await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(user.tokens.access_token) })),
    { status: 503, code: 'store_unavailable' });
  assert.equal(sample(await scrape(ctx), 'gatehouse_store_errors_total{route="/users/me"}'), 1);
});

test('a login shed by the hash queue is counted as shed and as an overloaded login, not as a store error', async (t) => {
  const ctx = await setup(t, { HASH_CONCURRENCY: '1', HASH_QUEUE_MAX: '0', HASH_QUEUE_PER_ADDRESS: '1' });
  const answers = await Promise.all([1, 2, 3].map((i) => ctx.app.inject({
    method: 'POST', url: '/auth/login', payload: { username: `nobody${i}`, password: 'wrong password' },
  })));
  assert.deepEqual(answers.map((res) => res.statusCode).sort(), [401, 503, 503]);
  const text = await scrape(ctx);
  assert.equal(sample(text, 'gatehouse_password_hashes_shed_total{operation="verify"}'), 2);
  assert.equal(sample(text, 'gatehouse_logins_total{outcome="overloaded"}'), 2);
  assert.equal(sample(text, 'gatehouse_store_errors_total{route="/auth/login"}'), undefined);
  assert.equal(sample(text, 'gatehouse_password_hash_duration_seconds_count{operation="verify"}'), 1);
});

test('two apps in one process keep their own counts', async (t) => {
  const one = await setup(t);
  const two = await setup(t);
  await one.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(sample(await scrape(one), 'gatehouse_http_requests_total{method="GET",route="/healthz",status_code="200"}'), 1);
  assert.equal(sample(await scrape(two), 'gatehouse_http_requests_total{method="GET",route="/healthz",status_code="200"}'), undefined);
});

test('with METRICS_TOKEN set, /metrics needs that bearer token: 401 missing_token, 401 invalid_token, else 200', async (t) => {
  const token = 'scrape-token-0123456789abcdef';
  const ctx = await setup(t, { METRICS_TOKEN: token });
  assert.deepEqual(failure(await ctx.app.inject({ method: 'GET', url: '/metrics' })), { status: 401, code: 'missing_token' });
  const wrong = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: bearer(`${token}x`) });
  assert.deepEqual(failure(wrong), { status: 401, code: 'invalid_token' });
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/metrics', headers: bearer(token) })).statusCode, 200);
});

test('with METRICS_ALLOW set, an address outside the list gets 404 not_found and a listed one 200', async (t) => {
  const ctx = await setup(t, { METRICS_ALLOW: '10.0.0.5, 127.0.0.1' });
  const from = (remoteAddress: string) => ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
  assert.deepEqual(failure(await from('10.0.0.6')), { status: 404, code: 'not_found' });
  assert.equal((await from('10.0.0.5')).statusCode, 200);
  assert.equal((await from('::ffff:127.0.0.1')).statusCode, 200);
});

test('a malformed METRICS_TOKEN or METRICS_ALLOW stops the start, naming the variable', () => {
  for (const [variable, value] of [['METRICS_TOKEN', 'short'], ['METRICS_TOKEN', 'has spaces in it, quite long'], ['METRICS_ALLOW', '10.0.0.1,not-an-ip']]) {
    assert.throws(() => loadConfig({ [variable!]: value }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${variable}: `));
  }
  assert.deepEqual(loadConfig({ METRICS_ALLOW: '10.0.0.1, ::1' }).metricsAllow, ['10.0.0.1', '::1']);
});

test('under NODE_ENV=production without METRICS_TOKEN or METRICS_ALLOW, /metrics is off (404) and the start warns', async (t) => {
  const ctx = await setup(t, { NODE_ENV: 'production', ...MAIL_OFF });
  assert.deepEqual(failure(await ctx.app.inject({ method: 'GET', url: '/metrics' })), { status: 404, code: 'not_found' });
  const config = loadConfig({
    NODE_ENV: 'production', DATA_DIR: ctx.dir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://auth.example.com', ...MAIL_OFF,
    WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com', // the other notes off
  });
  const { app, warnings } = await createGatehouse(config, { secret: TEST_SECRET, stores: ctx.stores });
  await app.close();
  assert.deepEqual(warnings, [
    'GET /metrics is off: under NODE_ENV=production it needs METRICS_TOKEN or METRICS_ALLOW (METRICS=false silences this note)',
  ]);
});

test('under NODE_ENV=production /metrics is served behind METRICS_TOKEN or METRICS_ALLOW', async (t) => {
  const token = 'scrape-token-0123456789abcdef';
  const withToken = await setup(t, { NODE_ENV: 'production', METRICS_TOKEN: token, ...MAIL_OFF });
  assert.deepEqual(failure(await withToken.app.inject({ method: 'GET', url: '/metrics' })), { status: 401, code: 'missing_token' });
  assert.equal((await withToken.app.inject({ method: 'GET', url: '/metrics', headers: bearer(token) })).statusCode, 200);
  const withList = await setup(t, { NODE_ENV: 'production', METRICS_ALLOW: '10.0.0.5', ...MAIL_OFF });
  assert.deepEqual(failure(await withList.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.6' })), { status: 404, code: 'not_found' });
  assert.equal((await withList.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.5' })).statusCode, 200);
});

test('METRICS=true under NODE_ENV=production without protection stops the start; METRICS=false turns /metrics off quietly', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production', METRICS: 'true' }),
    (e: unknown) => e instanceof ConfigError && e.message.startsWith('METRICS: ') && e.message.includes('METRICS_TOKEN or METRICS_ALLOW'));
  for (const nodeEnv of ['production', 'development']) {
    const config = loadConfig({ NODE_ENV: nodeEnv, METRICS: 'false' });
    assert.deepEqual([config.metrics, config.metricsNote], [false, undefined], nodeEnv);
  }
  assert.equal(loadConfig({ NODE_ENV: 'production', METRICS: 'true', METRICS_ALLOW: '10.0.0.5' }).metrics, true);
  assert.equal(loadConfig({ NODE_ENV: 'development' }).metrics, true);
});

test('METRICS=false: /metrics answers 404 like any unknown path', async (t) => {
  const ctx = await setup(t, { METRICS: 'false' });
  assert.deepEqual(failure(await ctx.app.inject({ method: 'GET', url: '/metrics' })), { status: 404, code: 'not_found' });
});

test('a login with a weak imported hash (salted SHA-2) is counted once: the hash is argon2id afterwards', async (t) => {
  const ctx = await setup(t);
  const lines = [['weak', VECTORS.sha512!], ['strong', VECTORS['pbkdf2-sha256']!]].map(([name, hash], i) => ({ line: i + 1, value: { email: `${name}@example.com`, password_hash: hash } }));
  const { importUsers } = await import('../../src/core/import/import-users.js');
  await importUsers({ store: ctx.stores.userImport, sessions: ctx.stores.sessions, clock: ctx.clock, roles: ctx.config.roles }, lines, { skipInvalid: false, update: false });
  assert.equal(sample(await scrape(ctx), 'gatehouse_password_weak_hash_verifications_total'), 0);
  for (const username of ['weak@example.com', 'strong@example.com', 'weak@example.com']) {
    const res = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: IMPORTED_PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
  }
  assert.equal(sample(await scrape(ctx), 'gatehouse_password_weak_hash_verifications_total'), 1);
});

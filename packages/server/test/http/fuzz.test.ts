// Fuzzing every route through app.inject: hostile values in every field of every request
// schema (huge strings, NUL, lone surrogates, deep nesting, wrong types, SQL/NoSQL-looking text),
// malformed JSON and wrong content types never give a 5xx, an answer without a stable code, an
// unhandled rejection or a crash. The routes and their fields come from the app's own OpenAPI
// document, so a route added later is fuzzed too. Seeded, so a failure replays exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestApp, registerUser, type TestApp } from '../helpers.js';

const SEED = 20_261_125;
const NO_LIMITS = {
  RATE_LIMIT_LOGIN_PER_IP: 'off', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: 'off', RATE_LIMIT_REFRESH_PER_IP: 'off', RATE_LIMIT_MAIL_PER_IP: 'off',
  RATE_LIMIT_REFRESH_PER_ACCOUNT: 'off', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: 'off', LOGIN_DELAY_MAX: 'off', BODY_LIMIT_BYTES: '65536',
  INTROSPECTION_CLIENTS: 'fuzz:fuzz-secret-0123456789', // so POST /oauth/introspect is served, and fuzzed past its Basic check
};
/** The fuzz client's HTTP Basic credentials for POST /oauth/introspect. */
const INTROSPECTOR = `Basic ${Buffer.from('fuzz:fuzz-secret-0123456789').toString('base64')}`;
/** Routes that answer errors in RFC 6749 §5.2 form ({error, error_description}) rather than with a code. */
const OAUTH_ROUTES = /^\/(token|oauth\/revoke|oauth\/introspect)(\?|$)/;
/** Routes the OpenAPI document may not list (hidden or optional); unknown ones must be a clean 404. */
const EXTRA_PATHS = ['/metrics', '/.well-known/jwks.json', '/demo', '/docs', '/docs/json', '/admin/users', '/nope', '/auth', '/'];

interface Operation {
  method: string;
  path: string;
  contentType: string | undefined;
  fields: string[];
  query: string[];
}

let ctx: TestApp;
let operations: Operation[];
/** Live tokens, substituted for placeholders at send time: fuzzed logouts and password changes end them. */
const live = { user: '', refresh: '', admin: '', userId: '' };
const PLACEHOLDERS = { __USER__: 'user', __REFRESH__: 'refresh', __ADMIN__: 'admin', __USERID__: 'userId' } as const;
const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => unhandled.push(error);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  ctx = await createTestApp(NO_LIMITS);
  await ctx.app.ready();
  operations = readOperations(ctx.app);
  await renewTokens();
});

async function works(token: string): Promise<boolean> {
  return token !== '' && (await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${token}` } })).statusCode === 200;
}

/** Fresh users (and a fresh admin) whenever the fuzz has logged out, disabled or re-passworded the old ones. */
async function renewTokens(): Promise<void> {
  if (!(await works(live.user))) {
    const user = await registerUser(ctx.app);
    Object.assign(live, { user: user.tokens.access_token, refresh: user.tokens.refresh_token, userId: user.userId });
  }
  if (!(await works(live.admin))) {
    const admin = await registerUser(ctx.app);
    await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
    const res = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: admin.username, password: admin.password } });
    live.admin = res.json().access_token;
  }
}

function withLiveTokens(text: string): string {
  return text.replace(/__(USER|REFRESH|ADMIN|USERID)__/g, (name) => live[PLACEHOLDERS[name as keyof typeof PLACEHOLDERS]]);
}

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await ctx?.close();
});

/** Every operation of the OpenAPI document, with its body fields and query parameters. */
function readOperations(app: FastifyInstance): Operation[] {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, any>> } }).swagger();
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      const fields = Object.keys(content[contentType ?? '']?.schema?.properties ?? {});
      const query = (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string);
      out.push({ method: method.toUpperCase(), path, contentType, fields, query });
    }
  }
  return out;
}

// Hostile values

/** Percent-encodes any string, lone surrogates included (as U+FFFD), where encodeURIComponent throws. */
const pct = (text: string) => Array.from(Buffer.from(text, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const deep = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth);
const deepObject = (depth: number): unknown => (depth === 0 ? 'x' : { a: deepObject(depth - 1) });

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', 'x'.repeat(5000), 'é'.repeat(2000), '😀'.repeat(300),
    "' OR '1'='1' --", "admin'--", '"; DROP TABLE users; --', '1; SELECT pg_sleep(10)', '%00', '../../etc/passwd',
    '{"$gt": ""}', '$where', '{"$ne": null}', '<script>alert(1)</script>', '${jndi:ldap://x}', '__proto__', 'constructor',
    'correct horse battery staple', 'password', 'user@example.com', 'admin', 'local', 'global', 'password', 'refresh_token',
    'Bearer x', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', '\r\nX-Injected: 1', '\u202e\u2066', 'NaN', '-1', '1e309',
  ),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.constantFrom({ $gt: '' }, { $ne: null }, { $regex: '.*' }, { __proto__: { admin: true } }, [], {}, deepObject(200)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An object with some of the route's fields (and maybe strangers) set to hostile values. */
const hostileObject = (fields: string[]) => fc.dictionary(
  fields.length ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fields) }, fc.constantFrom('__proto__', 'constructor', 'extra', '$where')) : fc.string({ maxLength: 8 }),
  hostileValue, { maxKeys: fields.length + 2 },
);

const rawJson = fc.constantFrom(
  '', '{', '}', '{"a":', 'null', 'true', '1', '"text"', '[]', '[1,2,3]', '{"username":"a",}', "{'username':'a'}",
  '{"__proto__":{"admin":true},"username":"x","password":"y"}', '{"constructor":{"prototype":{"admin":true}}}',
  deep(20_000, '1'), deep(500, '{}'), `{"username":"${'a'.repeat(70_000)}"}`, '\u0000', '\ufeff{}', '{"a":1}{"b":2}', 'NaN',
);

/** A plausible value for a known field, so fuzzed requests also get past validation into the handlers. */
function validFor(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case 'username': return fc.stringMatching(/^[a-z][a-z0-9_]{2,12}$/);
    case 'email': return fc.stringMatching(/^[a-z]{3,10}$/).map((name) => `${name}@example.com`);
    case 'password': case 'current_password': return fc.constant('correct horse battery staple');
    case 'new_password': return fc.constant('a brand new passphrase');
    case 'access_token': return fc.constant('__USER__');
    case 'refresh_token': return fc.constant('__REFRESH__');
    case 'grant_type': return fc.constantFrom('password', 'refresh_token');
    case 'scope': return fc.constantFrom('local', 'others', 'global');
    case 'role': return fc.constantFrom('user', 'admin');
    case 'disabled': return fc.boolean();
    default: return fc.string({ maxLength: 20 });
  }
}

/** Every field plausible, except that each may be swapped for a hostile value. */
const nearValidObject = (fields: string[]) => fc.tuple(...fields.map((field) => fc.oneof({ weight: 3, arbitrary: validFor(field) }, hostileValue)))
  .map((values) => Object.fromEntries(fields.map((field, i) => [field, values[i]])));

/** A form body: fields with hostile text, repeated keys, and broken percent-encoding. */
const formBody = (fields: string[]) => fc.oneof(
  nearValidObject(fields).map((o) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString()),
  fc.array(fc.tuple(fc.constantFrom(...fields, 'grant_type', 'x'), fc.oneof(hostileString, fc.constantFrom('password', 'refresh_token'))), { maxLength: 6 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.constantFrom('%', '%zz=1', 'grant_type=password&grant_type=refresh_token', 'a=%E0%A4%A', '&&&', '=', 'grant_type'),
);

const contentTypes = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml',
  'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded; charset=latin1', '', '*/*', 'application/jsonx',
);

const authorization = () => fc.oneof(
  fc.constant(undefined), fc.constant('Bearer __USER__'), fc.constant('Bearer __ADMIN__'), fc.constant('Bearer __REFRESH__'),
  hostileString.map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`), fc.constantFrom('Basic YTpi', 'Bearer', 'bearer  x', 'Token abc', INTROSPECTOR),
);

const pathValue = fc.oneof(fc.constant('__USERID__'), fc.uuid(), hostileString.map(pct), fc.constantFrom('%', '%E0%A4%A', '..', 'x'.repeat(300), ''));

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const bodyFor = op.contentType === 'application/x-www-form-urlencoded' ? formBody(op.fields) : fc.oneof(
    { weight: 3, arbitrary: hostileObject(op.fields).map((o) => JSON.stringify(o)) },
    { weight: 3, arbitrary: nearValidObject(op.fields).map((o) => JSON.stringify(o)) }, rawJson, formBody(op.fields.length ? op.fields : ['x']),
  );
  return fc.record({
    path: fc.array(pathValue, { minLength: 3, maxLength: 3 }).map(([a, b, c]) => {
      let i = 0;
      return op.path.replace(/\{[^}]+\}/g, () => [a, b, c][i++]!);
    }),
    query: fc.option(fc.array(fc.tuple(fc.constantFrom(...op.query, 'scope', 'q', '__proto__'), hostileString), { maxLength: 3 })),
    contentType: fc.oneof({ weight: 3, arbitrary: fc.constant(op.contentType ?? 'application/json') }, contentTypes),
    body: fc.option(bodyFor, { freq: 5 }),
    auth: authorization(),
  }).map(({ path, query, contentType, body, auth }) => {
    const headers: Record<string, string> = {};
    if (contentType) headers['content-type'] = contentType;
    if (auth) headers.authorization = auth;
    const qs = query?.length ? `?${query.map(([k, v]) => `${k}=${pct(v)}`).join('&')}` : '';
    const hasBody = body !== null && op.method !== 'GET' && op.method !== 'HEAD';
    return { method: op.method, url: path + qs, headers, ...(hasBody ? { payload: body } : {}) };
  });
}

const anyRequest = () => fc.oneof(
  ...operations.map((op) => ({ weight: 4, arbitrary: requestFor(op) })),
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    url: fc.oneof(fc.constantFrom(...EXTRA_PATHS), fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`), hostileString.map((s) => `/${pct(s)}`)),
    headers: fc.constant({ 'content-type': 'application/json' }),
    payload: rawJson,
  }),
);

// Checks

/** No 5xx; every error has its stable code (RFC 6749 §5.2 `error` on /token); no internals leak. */
function assertSafe(request: FuzzRequest, res: LightMyRequestResponse): void {
  const where = `${request.method} ${request.url.slice(0, 120)} ${JSON.stringify(request.headers).slice(0, 200)} ${String(request.payload).slice(0, 200)}`;
  assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)} for ${where}`);
  // GET /metrics may be reached: its metric names (gatehouse_password_hash_…) are no leak.
  assert.doesNotMatch(res.body, /\$argon2|(?<!gatehouse_)password_?hash|\n\s+at [\w.<]+ \(/i, where);
  if (res.statusCode < 400 || request.method === 'HEAD') return;
  const body = res.json() as Record<string, unknown>;
  if (OAUTH_ROUTES.test(request.url)) {
    assert.match(String(body.error), /^[a-z_]+$/, where);
  } else {
    assert.match(String(body.code), /^[a-z_]+$/, `${res.body} for ${where}`);
    assert.equal(body.statusCode, res.statusCode, where);
  }
}

async function send(app: FastifyInstance, request: FuzzRequest): Promise<void> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, withLiveTokens(v)]));
  const payload = request.payload === undefined ? undefined : withLiveTokens(request.payload);
  const res = await app.inject({ method: request.method as 'GET', url: withLiveTokens(request.url), headers, payload });
  assertSafe(request, res);
}

test('the route list to fuzz comes from the OpenAPI document and covers the core routes', () => {
  const listed = new Set(operations.map((op) => `${op.method} ${op.path}`));
  for (const route of ['POST /auth/register', 'POST /auth/login', 'POST /token', 'POST /auth/refresh', 'POST /auth/logout',
    'GET /users/me', 'POST /users/me/password', 'GET /users/me/sessions', 'DELETE /users/me/sessions/{id}',
    'POST /oauth/revoke', 'POST /oauth/introspect', 'GET /.well-known/oauth-authorization-server']) {
    assert.ok(listed.has(route), `${route} missing from ${[...listed].join(', ')}`);
  }
});

test('every request schema: hostile field values never give a 5xx or an answer without a code', async () => {
  for (const op of operations) {
    await fc.assert(fc.asyncProperty(requestFor(op), async (request) => {
      await send(ctx.app, request);
      await renewTokens();
    }), { seed: SEED, numRuns: 60 });
  }
  assert.deepEqual(unhandled, []);
});

test('malformed JSON, deep nesting and wrong content types on every body route are 4xx with a code', async () => {
  const bodyRoutes = operations.filter((op) => op.contentType);
  await fc.assert(fc.asyncProperty(fc.constantFrom(...bodyRoutes), rawJson, contentTypes, async (op, payload, contentType) => {
    const url = op.path.replace(/\{[^}]+\}/g, 'x');
    await send(ctx.app, { method: op.method, url, headers: contentType ? { 'content-type': contentType } : {}, payload });
  }), { seed: SEED, numRuns: 300 });
  assert.deepEqual(unhandled, []);
});

test('a seeded fuzz of 1 200 requests across all routes: no 5xx, no unhandled rejection, and the app still serves', async () => {
  const requests = fc.sample(anyRequest(), { seed: SEED, numRuns: 1200 });
  assert.equal(requests.length, 1200);
  const concurrency = 8;
  for (let i = 0; i < requests.length; i += concurrency) {
    await Promise.all(requests.slice(i, i + concurrency).map((request) => send(ctx.app, request)));
    await renewTokens();
  }
  assert.deepEqual(unhandled, []);
  const health = await ctx.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200);
  const fresh = await registerUser(ctx.app);
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${fresh.tokens.access_token}` } })).statusCode, 200);
});

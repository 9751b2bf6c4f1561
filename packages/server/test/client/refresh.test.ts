// client.fetch's refresh rules against the real app: one refresh for many concurrent calls
// (single flight), refresh shortly before expiry, one refresh and one retry on a 401, a refused
// refresh ends the session, a network failure keeps it, and nothing ever loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthClient, memoryStorage, type AuthClient, type TokenStorage } from '@gatehouse-auth/client';
import { ManualClock } from '../../src/core/clock.js';
import { PASSWORD, registerUser } from '../helpers.js';
import { startLiveApp, type LiveApp } from './live-app.js';

const MINUTE = 60_000;

async function loggedIn(live: LiveApp, options: { storage?: TokenStorage; now?: () => number; fetch?: typeof fetch } = {}) {
  const { username } = await registerUser(live.app);
  const storage = options.storage ?? memoryStorage();
  const client = createAuthClient({ baseUrl: live.baseUrl, storage, now: options.now ?? (() => live.clock.now()), fetch: options.fetch });
  await client.login({ username, password: PASSWORD });
  return { client, storage, username };
}

function record(client: AuthClient) {
  const events: string[] = [];
  client.on('tokens', (event) => events.push(`tokens:${event.reason}`));
  client.on('logout', (event) => events.push(`logout:${event.reason}`));
  client.on('error', (event) => events.push(`error:${event.during}`));
  return events;
}

test('20 concurrent fetches with an expired access token cause exactly one refresh', async (t) => {
  const live = await startLiveApp(t);
  const { client, storage } = await loggedIn(live);
  const before = (await storage.load())!;
  live.clock.advance(16 * MINUTE);

  const answers = await Promise.all(Array.from({ length: 20 }, () => client.fetch('/users/me')));
  assert.deepEqual(answers.map((res) => res.status), Array(20).fill(200));
  assert.equal(live.count('POST /auth/refresh'), 1);
  assert.equal(live.count('GET /users/me'), 20, 'no request was sent twice');
  assert.notEqual((await storage.load())!.refreshToken, before.refreshToken);
});

test('refreshes shortly before expiry, before sending the request', async (t) => {
  const live = await startLiveApp(t);
  const { client, storage } = await loggedIn(live);
  const events = record(client);
  live.clock.advance(14 * MINUTE + 45_000); // 15 s left, inside the 30 s leeway

  const res = await client.fetch('/users/me');
  assert.equal(res.status, 200);
  assert.equal(live.count('POST /auth/refresh'), 1);
  assert.equal(live.count('GET /users/me'), 1, 'the request went once, with the new token');
  assert.deepEqual(events, ['tokens:refresh']);
  const info = await client.session();
  assert.equal(info?.expiresAt.getTime(), live.clock.now() + 15 * MINUTE);
  assert.ok(await storage.load());
});

test('does not refresh while the access token is fresh', async (t) => {
  const live = await startLiveApp(t);
  const { client } = await loggedIn(live);
  live.clock.advance(10 * MINUTE);
  assert.equal((await client.fetch('/users/me')).status, 200);
  assert.equal(live.count('POST /auth/refresh'), 0);
});

test('on a 401 it refreshes once and retries the request once', async (t) => {
  const live = await startLiveApp(t);
  const clientClock = new ManualClock(live.clock.now()); // the client does not see time pass
  const { client } = await loggedIn(live, { now: () => clientClock.now() });
  live.clock.advance(16 * MINUTE); // the server finds the token expired

  const res = await client.fetch('/users/me');
  assert.equal(res.status, 200);
  assert.equal(live.count('POST /auth/refresh'), 1);
  assert.equal(live.count('GET /users/me'), 2);
});

test('a refused refresh clears storage, emits logout and answers the original 401', async (t) => {
  const live = await startLiveApp(t);
  const { client, storage } = await loggedIn(live);
  const events = record(client);
  const { refreshToken } = (await storage.load())!;
  await live.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: refreshToken } });

  const res = await client.fetch('/users/me');
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { code: string }).code, 'session_revoked');
  assert.equal(await storage.load(), null);
  assert.deepEqual(events, ['logout:refresh_failed']);
  assert.equal(live.count('POST /auth/refresh'), 1);
  assert.equal(live.count('GET /users/me'), 1, 'no retry without new tokens');
});

test('never loops when the server keeps answering 401: one refresh, one retry', async (t) => {
  const live = await startLiveApp(t, {}, (ctx) => {
    ctx.app.get('/always-401', async (_request, reply) => reply.status(401).send({ code: 'invalid_token' }));
  });
  const { client, storage } = await loggedIn(live);

  const res = await client.fetch('/always-401');
  assert.equal(res.status, 401);
  assert.equal(live.count('GET /always-401'), 2);
  assert.equal(live.count('POST /auth/refresh'), 1);
  assert.ok(await storage.load(), 'the refresh worked, so the session stays');
});

test('after a refresh before expiry, a 401 is answered as it is: no second refresh', async (t) => {
  const live = await startLiveApp(t, {}, (ctx) => {
    ctx.app.get('/always-401', async (_request, reply) => reply.status(401).send({ code: 'invalid_token' }));
  });
  const { client } = await loggedIn(live);
  live.clock.advance(16 * MINUTE);

  assert.equal((await client.fetch('/always-401')).status, 401);
  assert.equal(live.count('GET /always-401'), 1);
  assert.equal(live.count('POST /auth/refresh'), 1);
});

test('a refresh that cannot reach the server emits error and keeps the session', async (t) => {
  const live = await startLiveApp(t);
  const offlineRefresh: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/auth/refresh')) throw new TypeError('fetch failed');
    return fetch(input, init);
  };
  const { client, storage } = await loggedIn(live, { fetch: offlineRefresh });
  const events = record(client);
  const before = await storage.load();
  live.clock.advance(16 * MINUTE);

  const res = await client.fetch('/users/me');
  assert.equal(res.status, 401, 'the request went with the old token and got its answer');
  assert.deepEqual(events, ['error:refresh']);
  assert.deepEqual(await storage.load(), before);
  assert.equal(live.count('GET /users/me'), 1);
});

test('a client whose shared pair was already rotated by another uses it without a refresh request', async (t) => {
  const live = await startLiveApp(t);
  const { client: first, storage } = await loggedIn(live);
  const second = createAuthClient({ baseUrl: live.baseUrl, storage, now: () => live.clock.now() });
  live.clock.advance(16 * MINUTE);

  assert.equal((await first.fetch('/users/me')).status, 200);
  assert.equal((await second.fetch('/users/me')).status, 200);
  assert.equal(live.count('POST /auth/refresh'), 1);
});

test('two concurrent 401s share one refresh and each request is retried once', async (t) => {
  const live = await startLiveApp(t);
  const clientClock = new ManualClock(live.clock.now());
  const storage = memoryStorage();
  const { client } = await loggedIn(live, { storage, now: () => clientClock.now() });
  live.clock.advance(16 * MINUTE);
  const [a, b] = await Promise.all([client.fetch('/users/me'), client.fetch('/users/me')]);
  assert.deepEqual([a.status, b.status], [200, 200]);
  assert.equal(live.count('POST /auth/refresh'), 1);
  assert.equal(live.count('GET /users/me'), 4);
});

test('sends the bearer token only to its own origin and the origins allowed', async (t) => {
  const live = await startLiveApp(t);
  const other = await startLiveApp(t, {}, (ctx) => {
    ctx.app.get('/echo', async (request) => ({ authorization: request.headers.authorization ?? null }));
  });
  const { username } = await registerUser(live.app);
  const plain = createAuthClient({ baseUrl: live.baseUrl, now: () => live.clock.now() });
  await plain.login({ username, password: PASSWORD });
  assert.deepEqual(await (await plain.fetch(`${other.baseUrl}/echo`)).json(), { authorization: null });

  const allowed = createAuthClient({ baseUrl: live.baseUrl, now: () => live.clock.now(), bearerOrigins: [other.baseUrl] });
  const { accessToken } = await allowed.login({ username, password: PASSWORD });
  assert.deepEqual(await (await allowed.fetch(`${other.baseUrl}/echo`)).json(), { authorization: `Bearer ${accessToken}` });
});

test('a device clock an hour ahead of the server neither refreshes early nor too late', async (t) => {
  const live = await startLiveApp(t);
  const deviceClock = new ManualClock(live.clock.now() + 3600_000);
  const { client, storage } = await loggedIn(live, { now: () => deviceClock.now() });
  assert.equal((await storage.load())?.serverOffsetMs, -3600_000);
  assert.equal((await client.session())?.expiresAt.getTime(), deviceClock.now() + 15 * MINUTE);

  assert.equal((await client.fetch('/users/me')).status, 200);
  assert.equal(live.count('POST /auth/refresh'), 0, 'the token looked fresh on the device clock too');
  live.clock.advance(14 * MINUTE + 45_000);
  deviceClock.advance(14 * MINUTE + 45_000);
  assert.equal((await client.fetch('/users/me')).status, 200);
  assert.equal(live.count('POST /auth/refresh'), 1, 'refreshed 15 s before expiry, by the server clock');
});

test('client.refresh() refreshes at once, without a fake clock: the new pair is stored, a role change shows in it', async (t) => {
  const live = await startLiveApp(t);
  const { client, storage } = await loggedIn(live);
  const events = record(client);
  const before = (await storage.load())!;
  await live.stores.users.update((await client.session())!.claims.sub, { role: 'admin' }, new Date(live.clock.now()));

  const [first, second] = await Promise.all([client.refresh(), client.refresh()]);
  assert.equal(live.count('POST /auth/refresh'), 1, 'two calls at once share one refresh');
  assert.equal(first!.accessToken, second!.accessToken);
  assert.equal(first!.claims.role, 'admin');
  assert.notEqual((await storage.load())!.refreshToken, before.refreshToken);
  assert.deepEqual(events, ['tokens:refresh']);
});

test('client.refresh() without a session answers null and sends nothing', async (t) => {
  const live = await startLiveApp(t);
  const client = createAuthClient({ baseUrl: live.baseUrl, storage: memoryStorage() });
  assert.equal(await client.refresh(), null);
  assert.equal(live.count('POST /auth/refresh'), 0);
});

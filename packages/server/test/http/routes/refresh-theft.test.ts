// A stolen copy of a pair must not ride the owner's refresh chain (docs/hardening.md, "Stolen token
// pairs"): only the rotating client (user agent, /24 or /64) gets the grace replay, and the session
// list hides when rotations happen; a lost answer and two tabs of one browser still work. Every backend.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { bearer, failure, PASSWORD, type Pair, type TestApp, me } from '../../helpers.js';
import { sessionBackends } from '../session-backends.js';
import type { Stores } from '../../../src/storage/types/stores.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const REFRESH_TTL_MS = 7 * 86_400_000;

interface Client {
  userAgent: string;
  address: string;
}

const VICTIM: Client = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', address: '203.0.113.7' };
const THIEF: Client = { userAgent: 'python-requests/2.32.3', address: '198.51.100.23' };

function inject(app: FastifyInstance, client: Client, request: { method: 'GET' | 'POST'; url: string; payload?: object; headers?: object }) {
  return app.inject({ ...request, headers: { 'user-agent': client.userAgent, ...request.headers }, remoteAddress: client.address });
}

let counter = 0;
async function register(app: FastifyInstance, client: Client): Promise<Pair> {
  counter += 1;
  const username = `theft${counter}_${process.pid}`;
  const res = await inject(app, client, {
    method: 'POST', url: '/auth/register', payload: { username, email: `${username}@example.com`, password: PASSWORD },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Pair;
}

function refresh(app: FastifyInstance, client: Client, pair: Pair) {
  return inject(app, client, {
    method: 'POST', url: '/auth/refresh', payload: { access_token: pair.access_token, refresh_token: pair.refresh_token },
  });
}

async function rotated(app: FastifyInstance, client: Client, pair: Pair): Promise<Pair> {
  const res = await refresh(app, client, pair);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

async function listSessions(app: FastifyInstance, client: Client, accessToken: string) {
  const res = await inject(app, client, { method: 'GET', url: '/users/me/sessions', headers: bearer(accessToken) });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { sessions: Array<Record<string, unknown>> }).sessions;
}

/** The same successor pair, its lifetimes counted down by `elapsedSeconds`. */
function sameSuccessor(pair: Pair, elapsedSeconds: number): Pair {
  return { ...pair, expires_in: pair.expires_in - elapsedSeconds, refresh_expires_in: pair.refresh_expires_in - elapsedSeconds };
}

const iso = (ms: number) => new Date(ms).toISOString();
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Store calls the refresh path makes, counted on the stores the app is given. */
function countStoreCalls(calls: Record<string, number>) {
  const count = (name: string) => { calls[name] = (calls[name] ?? 0) + 1; };
  return (stores: Stores): Stores => ({
    ...stores,
    sessionAndUser: stores.sessionAndUser && ((userId, sessionId) => { count('sessionAndUser'); return stores.sessionAndUser!(userId, sessionId); }),
    users: { ...stores.users, findById: (id) => { count('users.findById'); return stores.users.findById(id); } },
    sessions: {
      ...stores.sessions,
      findById: (userId, id) => { count('sessions.findById'); return stores.sessions.findById(userId, id); },
      rotate: (userId, id, expected, next) => { count('sessions.rotate'); return stores.sessions.rotate(userId, id, expected, next); },
      revoke: (userId, id, now) => { count('sessions.revoke'); return stores.sessions.revoke(userId, id, now); },
    },
  });
}

for (const backend of sessionBackends) {
  describe(`stolen token pairs, sessions in ${backend.name}`, { skip: backend.skip }, () => {
    const open = async (t: { after(fn: () => Promise<void>): void }, stores?: (stores: Stores) => Stores): Promise<TestApp> => {
      const ctx = await backend.open({ stores });
      t.after(() => ctx.close());
      ctx.clock.advance(5 * MINUTE_MS);
      return ctx;
    };

    test('a thief replaying the previous refresh token inside the grace window gets refresh_token_reused, and the session ends', async (t) => {
      const ctx = await open(t);
      const p0 = await register(ctx.app, VICTIM); // the thief holds a copy of p0
      const watched = await listSessions(ctx.app, THIEF, p0.access_token);
      ctx.clock.advance(MINUTE_MS);
      const p1 = await rotated(ctx.app, VICTIM, p0);
      assert.deepEqual(await listSessions(ctx.app, THIEF, p0.access_token), watched, 'the list does not show the rotation');

      ctx.clock.advance(2_000);
      assert.deepEqual(failure(await refresh(ctx.app, THIEF, p0)), { status: 401, code: 'refresh_token_reused' });
      for (const pair of [p1, p0]) {
        assert.deepEqual(failure(await refresh(ctx.app, VICTIM, pair)), { status: 401, code: 'session_revoked' });
        assert.deepEqual(failure(await me(ctx.app, pair.access_token)), { status: 401, code: 'session_revoked' });
      }
    });

    test('counts another user agent, another IPv4 /24 or another IPv6 /64 as another client', async (t) => {
      const ctx = await open(t);
      const ipv6Victim: Client = { ...VICTIM, address: '2001:db8:1:2::10' };
      const cases: Array<[string, Client, Client]> = [
        ['another user agent, the same address', VICTIM, { ...VICTIM, userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/141.0' }],
        ['the same user agent, another /24', VICTIM, { ...VICTIM, address: '203.0.114.7' }],
        ['the same user agent, another /64', ipv6Victim, { ...ipv6Victim, address: '2001:db8:1:3::10' }],
      ];
      for (const [label, victim, thief] of cases) {
        const p0 = await register(ctx.app, victim);
        const p1 = await rotated(ctx.app, victim, p0);
        ctx.clock.advance(1_000);
        assert.deepEqual(failure(await refresh(ctx.app, thief, p0)), { status: 401, code: 'refresh_token_reused' }, label);
        assert.deepEqual(failure(await refresh(ctx.app, victim, p1)), { status: 401, code: 'session_revoked' }, label);
      }
    });

    test('a lost answer: the same browser replaying the previous token gets the identical successor pair, from any address of its /24 or /64', async (t) => {
      const ctx = await open(t);
      const ipv6: Client = { ...VICTIM, address: '2001:db8:1:2::10' };
      const cases: Array<[string, Client, Client]> = [
        ['the same address', VICTIM, VICTIM],
        ['another address of the /24', VICTIM, { ...VICTIM, address: '203.0.113.200' }],
        ['another address of the /64 (a privacy address)', ipv6, { ...ipv6, address: '2001:db8:1:2:a1b2:c3d4:e5f6:789' }],
        ['IPv4 written as IPv4-mapped IPv6', VICTIM, { ...VICTIM, address: '::ffff:203.0.113.8' }],
      ];
      for (const [label, before, after] of cases) {
        const p0 = await register(ctx.app, before);
        const p1 = await rotated(ctx.app, before, p0);
        ctx.clock.advance(10_000);
        const replay = await refresh(ctx.app, after, p0);
        assert.equal(replay.statusCode, 200, `${label}: ${replay.body}`);
        assert.deepEqual(replay.json(), sameSuccessor(p1, 10), label);
        const p2 = await rotated(ctx.app, after, p1);
        assert.equal((await me(ctx.app, p2.access_token)).statusCode, 200, label);
      }
    });

    test('two tabs of one browser refreshing the same pair at once get one and the same successor pair', async (t) => {
      const ctx = await open(t);
      let pair = await register(ctx.app, VICTIM);
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(Array.from({ length: 4 }, () => refresh(ctx.app, VICTIM, pair)));
        for (const res of answers) assert.equal(res.statusCode, 200, res.body);
        const pairs = answers.map((res) => res.json() as Pair);
        assert.equal(new Set(pairs.map((p) => p.refresh_token)).size, 1, 'one successor refresh token');
        assert.equal(new Set(pairs.map((p) => p.access_token)).size, 1, 'one successor access token');
        pair = pairs[0]!;
        ctx.clock.advance(MINUTE_MS);
      }
      assert.equal((await me(ctx.app, pair.access_token)).statusCode, 200);
    });

    test('the session list gives times to the hour only, so a refresh inside the hour changes nothing in it', async (t) => {
      const ctx = await open(t);
      ctx.clock.advance(7_345); // 5 min 7.345 s into the hour
      const createdMs = ctx.clock.now();
      const p0 = await register(ctx.app, VICTIM);
      const listed = (lastUsedMs: number) => [{
        id: JSON.parse(Buffer.from(p0.access_token.split('.')[1]!, 'base64url').toString('utf8')).sid, current: true,
        created_at: iso(hourOf(createdMs)), last_used_at: iso(hourOf(lastUsedMs)), expires_at: iso(hourOf(lastUsedMs + REFRESH_TTL_MS)),
        ip: VICTIM.address, user_agent: VICTIM.userAgent,
      }];
      assert.deepEqual(await listSessions(ctx.app, VICTIM, p0.access_token), listed(createdMs));

      ctx.clock.advance(20 * MINUTE_MS + 13_000);
      const p1 = await rotated(ctx.app, VICTIM, p0);
      assert.deepEqual(await listSessions(ctx.app, VICTIM, p1.access_token), listed(createdMs), 'a refresh inside the hour');

      ctx.clock.set(hourOf(ctx.clock.now()) + HOUR_MS + 17_000);
      const usedMs = ctx.clock.now();
      const p2 = await rotated(ctx.app, VICTIM, p1);
      assert.deepEqual(await listSessions(ctx.app, VICTIM, p2.access_token), listed(usedMs), 'a refresh in the next hour');
    });

    test('binding the grace window to the client adds no store call to a refresh', async (t) => {
      const calls: Record<string, number> = {};
      const ctx = await open(t, countStoreCalls(calls));
      const p0 = await register(ctx.app, VICTIM);
      const reads = () => (calls.sessionAndUser ?? 0) + (calls['sessions.findById'] ?? 0);
      const expectCalls = (label: string, expected: { reads: number; rotate: number; revoke: number }) => {
        assert.deepEqual({ reads: reads(), rotate: calls['sessions.rotate'] ?? 0, revoke: calls['sessions.revoke'] ?? 0 }, expected, label);
        for (const key of Object.keys(calls)) delete calls[key];
      };
      expectCalls('register', { reads: 0, rotate: 0, revoke: 0 });
      const p1 = await rotated(ctx.app, VICTIM, p0);
      expectCalls('rotation', { reads: 1, rotate: 1, revoke: 0 });
      assert.equal((await refresh(ctx.app, VICTIM, p0)).statusCode, 200);
      expectCalls('grace replay', { reads: 1, rotate: 0, revoke: 0 });
      assert.deepEqual(failure(await refresh(ctx.app, THIEF, p0)), { status: 401, code: 'refresh_token_reused' });
      expectCalls('reuse', { reads: 1, rotate: 0, revoke: 1 });
      assert.deepEqual(failure(await refresh(ctx.app, VICTIM, p1)), { status: 401, code: 'session_revoked' });
    });
  });
}

// The reissue protocol end to end with sessions in Redis and in a Redis Cluster.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis, Cluster } from 'ioredis';
import { createTestApp, registerUser, bearer, failure, type TestApp, type Pair } from '../../helpers.js';
import { deleteRedisKeys, unavailable } from '../../storage/backends.js';

for (const [name, variable] of [['Redis', 'REDIS_URL'], ['Redis Cluster', 'REDIS_CLUSTER_NODES']] as const) {
  describe(`refresh with sessions in ${name}`, { skip: unavailable(variable) }, () => {
    const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
    let ctx: TestApp;
    before(async () => {
      ctx = await createTestApp({ [variable]: process.env[variable]!, REDIS_KEY_PREFIX: prefix });
      ctx.clock.set(Date.now()); // Redis expires keys by its own clock
    });
    after(async () => {
      await ctx?.close();
      const nodes = process.env.REDIS_CLUSTER_NODES?.split(',').map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) }));
      const client = variable === 'REDIS_URL' ? new Redis(process.env.REDIS_URL!) : new Cluster(nodes!);
      await deleteRedisKeys(client, prefix);
      await client.quit();
    });

    const refresh = (pair: Pair) => ctx.app.inject({
      method: 'POST', url: '/auth/refresh', payload: { access_token: pair.access_token, refresh_token: pair.refresh_token },
    });

    test('rotates, replays the identical successor inside the grace window, and revokes on later reuse', async () => {
      const { tokens: p0 } = await registerUser(ctx.app);
      const first = await refresh(p0);
      assert.equal(first.statusCode, 200);
      const p1 = first.json() as Pair;
      ctx.clock.advance(5_000);
      const replay = await refresh(p0);
      assert.equal(replay.statusCode, 200);
      assert.equal((replay.json() as Pair).refresh_token, p1.refresh_token);
      assert.equal((replay.json() as Pair).access_token, p1.access_token);
      ctx.clock.advance(6_000);
      assert.deepEqual(failure(await refresh(p0)), { status: 401, code: 'refresh_token_reused' });
      assert.deepEqual(failure(await refresh(p1)), { status: 401, code: 'session_revoked' });
      const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(p1.access_token) });
      assert.deepEqual(failure(me), { status: 401, code: 'session_revoked' });
    });

    test('20 concurrent refreshes of one token yield one successor', async () => {
      const { tokens } = await registerUser(ctx.app);
      const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(tokens)));
      assert.deepEqual(answers.map((a) => a.statusCode), Array(20).fill(200));
      assert.equal(new Set(answers.map((a) => (a.json() as Pair).refresh_token)).size, 1);
    });

    test('logout of all sessions makes every access token fail', async () => {
      const { username, password, tokens } = await registerUser(ctx.app);
      const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
      const second = login.json() as Pair;
      const out = await ctx.app.inject({ method: 'POST', url: '/auth/logout?scope=global', headers: bearer(tokens.access_token) });
      assert.equal(out.statusCode, 204);
      for (const token of [tokens.access_token, second.access_token]) {
        const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
        assert.deepEqual(failure(me), { status: 401, code: 'session_revoked' });
      }
    });
  });
}

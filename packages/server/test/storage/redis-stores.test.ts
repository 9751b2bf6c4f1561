// The session store contract on Redis and on a 3-master Redis Cluster; and, on Redis, a client session
// stored before its client's index existed joins the index when it rotates.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { connectRedis } from '../../src/storage/redis/client.js';
import { createRedisSessionStore } from '../../src/storage/redis/session-store.js';
import { describeSessionStore, newSession } from './contract.js';
import { deleteRedisKeys, redisTarget, unavailable } from './backends.js';

for (const [kind, variable] of [['redis', 'REDIS_URL'], ['cluster', 'REDIS_CLUSTER_NODES']] as const) {
  describeSessionStore(kind === 'redis' ? 'Redis' : 'Redis Cluster', unavailable(variable), async () => {
    const target = redisTarget(kind);
    const client = await connectRedis(target);
    return {
      sessions: createRedisSessionStore(client, target.keyPrefix),
      newUserId: async () => randomUUID(),
      async close() {
        await deleteRedisKeys(client, target.keyPrefix);
        await client.quit();
      },
    };
  });
}

test('Redis: a client session without an entry in its client\'s index (stored before the index) gets one when it rotates, so the client\'s deletion ends it', { skip: unavailable('REDIS_URL') }, async () => {
  const target = redisTarget('redis');
  const client = await connectRedis(target);
  try {
    const sessions = createRedisSessionStore(client, target.keyPrefix);
    const userId = randomUUID();
    const now = Date.now();
    const s = newSession(userId, { client: { clientId: 'notes', scopes: ['openid'] }, createdAt: new Date(now), expiresAt: new Date(now + 3_600_000) });
    await sessions.create(s);
    // as a session stored by a server without the index: no entry, no clientIndexedUntil
    await client.zrem(`${target.keyPrefix}c:{notes}:sessions`, `${userId} ${s.id}`);
    await client.hset(`${target.keyPrefix}{${userId}}:s:${s.id}`, 'clientIndexedUntil', '');
    assert.ok(await sessions.rotate(userId, s.id, s.currentHash, {
      currentHash: 'b'.repeat(64), previousHash: s.currentHash, generation: 1, rotatedAt: new Date(now), rotationFingerprint: 'f'.repeat(64),
      expiresAt: new Date(now + 7_200_000), lastUsedAt: new Date(now),
    }));
    assert.equal(await sessions.revokeAllForClient('notes', new Date(now + 1000)), 1);
    assert.ok((await sessions.findById(userId, s.id))?.revokedAt, 'the session ended with its client');
  } finally {
    await deleteRedisKeys(client, target.keyPrefix);
    await client.quit();
  }
});

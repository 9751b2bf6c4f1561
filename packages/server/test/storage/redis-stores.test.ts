// The session store contract on Redis and on a 3-master Redis Cluster.
import { randomUUID } from 'node:crypto';
import { connectRedis } from '../../src/storage/redis/client.js';
import { createRedisSessionStore } from '../../src/storage/redis/session-store.js';
import { describeSessionStore } from './contract.js';
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

// Measures how much Redis memory one Gatehouse session takes: creates N sessions for N/5 users
// under a fresh key prefix, reads INFO memory before and after, prints bytes per session, and
// deletes what it wrote. Usage: npm run build && REDIS_URL=redis://127.0.0.1:6379 node scripts/redis-session-bytes.mjs [N]
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { connectRedis } from '../packages/server/dist/src/storage/redis/client.js';
import { createRedisSessionStore } from '../packages/server/dist/src/storage/redis/session-store.js';

const count = Number(process.argv[2] ?? 20000);
const prefix = `gh_measure_${randomBytes(4).toString('hex')}:`;
const client = await connectRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
const store = createRedisSessionStore(client, prefix);
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))[1]);
const hash = () => createHash('sha256').update(randomBytes(32)).digest('hex');

const before = await usedMemory();
const now = Date.now();
const users = Array.from({ length: Math.ceil(count / 5) }, () => randomUUID());
for (let i = 0; i < count; i += 500) {
  await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => store.create({
    id: randomUUID(), userId: users[(i + j) % users.length], currentHash: hash(), previousHash: hash(), generation: 3,
    rotatedAt: new Date(now), createdAt: new Date(now), expiresAt: new Date(now + 7 * 86400e3), lastUsedAt: new Date(now),
    revokedAt: null, ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  })));
}
const after = await usedMemory();
const perSession = (after - before) / count;
console.log(JSON.stringify({ sessions: count, usersWith5Sessions: users.length, bytesPerSession: Math.round(perSession),
  sessionsPerGiB: Math.round(2 ** 30 / perSession) }));
let cursor = '0';
do {
  const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  cursor = next;
  if (keys.length) await client.del(...keys);
} while (cursor !== '0');
await client.quit();

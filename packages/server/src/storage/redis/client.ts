// Connects to Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES) with ioredis, set up to
// fail fast: no offline queue and one retry, so a dead Redis answers 503 at once instead of
// holding requests; the client keeps reconnecting in the background and recovers by itself.
import { Redis, Cluster, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  lazyConnect: true,
};

export interface RedisTarget {
  url?: string;
  /** host:port of one or more cluster nodes; takes precedence over `url`. */
  clusterNodes?: string[];
}

export async function connectRedis(target: RedisTarget): Promise<RedisClient> {
  const client: RedisClient = target.clusterNodes?.length
    ? new Cluster(target.clusterNodes.map(parseNode), {
      enableOfflineQueue: false,
      lazyConnect: true,
      clusterRetryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
      redisOptions: CLIENT_OPTIONS,
    })
    : new Redis(target.url!, CLIENT_OPTIONS);
  let lastError: unknown;
  // connection errors surface on the commands that need Redis; the last one explains a failed start
  client.on('error', (error: unknown) => (lastError = error));
  try {
    await client.connect();
    if (client instanceof Cluster) await waitForClusterReady(client);
  } catch (error) {
    client.disconnect(); // no reconnecting in the background of a start that failed
    throw lastError ?? error; // ioredis rejects with "Connection is closed"; the error event said why
  }
  return client;
}

function parseNode(node: string): { host: string; port: number } {
  const index = node.lastIndexOf(':');
  return { host: node.slice(0, index), port: Number(node.slice(index + 1)) };
}

async function waitForClusterReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    cluster.once('ready', resolve);
    cluster.once('end', () => reject(new Error('Redis Cluster connection ended before it was ready')));
  });
}

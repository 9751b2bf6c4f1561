// Starts the server: configuration, secret, stores, app, listen; closes gracefully on SIGTERM/SIGINT.
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createStores, type StoreOptions } from './storage/create-stores.js';
import { buildApp } from './http/app.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config/config.js';
import { resolveSecret } from './config/secret.js';
import { lowerPoolPriority } from './pool-priority.js';

const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

export async function startServer(config: Readonly<Config>): Promise<void> {
  const { secret, warning } = resolveSecret(config);
  const stores = await createStores(storeOptions(config));
  const app = await buildApp({ config, secret, stores });
  if (warning) app.log.warn(warning);
  const hashing = await lowerPoolPriority(config.hashPriority, config.threadPoolSize);
  if (hashing.fallbackReason) app.log.warn(`HASH_PRIORITY=idle: ${hashing.fallbackReason}; the hashing threads run at nice 19 instead`);
  if (hashing.tids.length > 0) app.log.info(`password hashing: ${hashing.tids.length} of ${config.threadPoolSize} pool threads at ${hashing.applied}`);
  app.addHook('onClose', async () => stores.close());
  endConnectionsWhenClosing(app);

  const cleanup = setInterval(() => {
    stores.sessions.deleteExpired(new Date()).catch((err: unknown) => app.log.warn({ err }, 'expired-session cleanup failed'));
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();

  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    clearInterval(cleanup);
    closeGracefully(app, signal, config.shutdownTimeoutMs);
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));

  const address = await app.listen({ host: config.host, port: config.port });
  const docs = config.docs ? `, docs at ${address}/docs` : '';
  app.log.info(`Gatehouse listening at ${address}${docs}`);
  console.log(`Gatehouse is running: API at ${address}${docs}`);
}

/**
 * Once closing, every answer says `Connection: close` (RFC 9112 §9.6): Node's server.close only
 * ends connections idle at that moment, so a keep-alive socket whose request was in flight would
 * otherwise stay open, and hold the close, until its keep-alive timeout.
 */
export function endConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * Stops accepting connections, lets requests in flight finish, then closes the stores (Fastify
 * runs onClose hooks after the server has closed) and exits 0. Past SHUTDOWN_TIMEOUT it exits 1
 * anyway, so a stuck request or store cannot hold up a deploy forever.
 */
export function closeGracefully(app: FastifyInstance, signal: string, timeoutMs: number): void {
  app.log.info(`${signal} received: closing, at most ${timeoutMs} ms`);
  const deadline = setTimeout(() => {
    app.log.error(`still closing after ${timeoutMs} ms (SHUTDOWN_TIMEOUT): exiting anyway`);
    process.exit(1);
  }, timeoutMs);
  deadline.unref();
  app.close().then(() => process.exit(0), (err: unknown) => {
    app.log.error({ err }, 'close failed');
    process.exit(1);
  });
}

export function storeOptions(config: Readonly<Config>, migrate = config.autoMigrate): StoreOptions {
  return {
    databaseUrl: config.databaseUrl,
    migrate,
    redis: { url: config.redisUrl, clusterNodes: config.redisClusterNodes, keyPrefix: config.redisKeyPrefix },
  };
}

/** Entry point: prints configuration errors as one line, without a stack. */
export async function main(): Promise<void> {
  try {
    loadDotEnv();
    await startServer(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Gatehouse cannot start: ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

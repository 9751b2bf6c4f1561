// Starts the server: configuration, secret, stores, app, listen; closes gracefully on SIGTERM/SIGINT.
import { pathToFileURL } from 'node:url';
import { createStores, type StoreOptions } from '../storage/create-stores.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { resolveSecret } from './secret.js';

const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

export async function startServer(config: Readonly<Config>): Promise<void> {
  const { secret, warning } = resolveSecret(config);
  const stores = await createStores(storeOptions(config));
  const app = await buildApp({ config, secret, stores });
  if (warning) app.log.warn(warning);
  app.addHook('onClose', async () => stores.close());

  const cleanup = setInterval(() => {
    stores.sessions.deleteExpired(new Date()).catch((err: unknown) => app.log.warn({ err }, 'expired-session cleanup failed'));
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();

  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received: closing`);
    clearInterval(cleanup);
    app.close().then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'close failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));

  const address = await app.listen({ host: config.host, port: config.port });
  const docs = config.docs ? `, docs at ${address}/docs` : '';
  app.log.info(`Gatehouse listening at ${address}${docs}`);
  console.log(`Gatehouse is running: API at ${address}${docs}`);
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

// Starts the server: settings, the composition root, listen, one start banner; closes gracefully
// on SIGTERM/SIGINT. A start that cannot succeed prints one line naming the setting to change.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createGatehouse } from './compose.js';
import { ConfigError, ConfigErrors, loadDotEnv, loadStartConfig, type Config } from './config/config.js';
import { nativeModuleMismatchIn } from './storage/native-module.js';
import { lowerPoolPriority } from './pool-priority.js';
import { StoreConnectError, describeStoreUrl } from './storage/errors.js';

export async function startServer(config: Readonly<Config>): Promise<void> {
  const { app, warnings } = await createGatehouse(config).catch((error: unknown) => {
    throw dataDirError(error, config.dataDir) ?? error;
  });
  // the banner says each of these too; the development secret it says in its own line
  for (const warning of warnings.filter((text) => !isDevelopmentSecretNote(text))) app.log.warn(warning);
  const hashing = await lowerPoolPriority(config.hashPriority, config.threadPoolSize);
  if (hashing.fallbackReason) app.log.warn(`HASH_PRIORITY=idle: ${hashing.fallbackReason}; the hashing threads run at nice 19 instead`);
  if (hashing.tids.length > 0) app.log.debug(`password hashing: ${hashing.tids.length} of ${config.threadPoolSize} pool threads at ${hashing.applied}`);
  endConnectionsWhenClosing(app);

  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    closeGracefully(app, signal, config.shutdownTimeoutMs);
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));

  const address = await listen(app, config);
  console.log(startBanner(config, address, warnings));
}

/** Listens, turning the usual failures into a line that says which setting to change. */
async function listen(app: FastifyInstance, config: Pick<Config, 'host' | 'port'>): Promise<string> {
  try {
    // One log line for the log (Fastify's, once, instead of one per address); the banner is for people.
    return await app.listen({ host: config.host, port: config.port, listenTextResolver: (address) => `listening at ${address}` });
  } catch (error) {
    await app.close().catch(() => undefined);
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new ConfigError('PORT', `port ${config.port} is in use on ${config.host}; stop what uses it or set PORT to another port`);
    if (code === 'EACCES') throw new ConfigError('PORT', `port ${config.port} needs privileges here; set PORT to 1024 or above`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new ConfigError('HOST', `cannot listen on "${config.host}": no such address on this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses`);
    }
    throw error;
  }
}

/** What a person starting the server wants to know, in one block. */
export function startBanner(config: Readonly<Config>, address: string, warnings: readonly string[]): string {
  // PUBLIC_URL is where people open it (mailed links and passkeys use it); PORT=0 picks the port at listen
  const url = config.publicUrl && config.port !== 0 ? config.publicUrl : address;
  const lines = [`Gatehouse is running at ${url}`];
  if (url !== address) lines.push(`  Listening    ${address}`);
  if (config.docs) lines.push(`  API docs     ${url}/docs`);
  if (config.demo) lines.push(`  Demo page    ${url}/demo`);
  lines.push(`  Database     ${databaseLocation(config.databaseUrl)}`);
  if (config.redisUrl || config.redisClusterNodes) lines.push(`  Sessions     ${config.redisClusterNodes ? `Redis Cluster ${config.redisClusterNodes.join(',')}` : describeStoreUrl(config.redisUrl!)}`);
  lines.push(`  Mail         ${mailDelivery(config.email)}`);
  lines.push(config.secret ? '  Secret       GATEHOUSE_SECRET' : `  Secret       a development secret in ${resolve(config.dataDir, 'secret')} (set GATEHOUSE_SECRET in production)`);
  lines.push('  First admin  npx gatehouse user create --username admin --email you@example.com --role admin');
  for (const warning of warnings.filter((text) => !isDevelopmentSecretNote(text))) lines.push(`  Note         ${warning}`);
  return lines.join('\n');
}

function mailDelivery(email: Config['email']): string {
  if (email.smtp) return `SMTP, ${email.smtp.display}`;
  return email.delivery === 'log' ? 'written to the log, not sent (SMTP_URL is not set: the development outbox)' : 'off — set SMTP_URL for password reset and email verification';
}

const isDevelopmentSecretNote = (warning: string) => warning.startsWith('GATEHOUSE_SECRET is not set');

function databaseLocation(url: string): string {
  return url.startsWith('sqlite:') ? `SQLite, ${resolve(url.slice('sqlite:'.length))}` : describeStoreUrl(url);
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

/** Entry point: a start that fails on settings prints one line per setting to change, without a stack. */
export async function main(): Promise<void> {
  try {
    loadDotEnv();
    await startServer(loadStartConfig());
  } catch (error) {
    const native = nativeModuleMismatchIn(error);
    const lines = error instanceof ConfigErrors ? error.problems.map((problem) => problem.message)
      : error instanceof ConfigError || error instanceof StoreConnectError ? [error.message]
        : native ? [native] : undefined;
    if (lines === undefined) throw error;
    for (const line of lines) console.error(`Gatehouse cannot start: ${line}`);
    process.exit(78); // EX_CONFIG
  }
}

/** A DATA_DIR the server may not write (EACCES, EPERM, EROFS, ENOTDIR; EEXIST: a file, not a folder): a ConfigError naming it. */
function dataDirError(error: unknown, dataDir: string): ConfigError | undefined {
  const { code, path } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string' || !['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(code)) return undefined;
  if (typeof path !== 'string' || !resolve(path).startsWith(resolve(dataDir))) return undefined;
  return new ConfigError('DATA_DIR', `cannot write ${resolve(dataDir)} (${code}); make it a folder this user may write, or set DATA_DIR to one`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

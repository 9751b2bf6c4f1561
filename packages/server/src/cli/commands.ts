// The command table: each command's words, flags, and what it runs. Settings are read only once
// the command line is known to be right, so a usage mistake is reported before a bad setting.
import { generateSecret, resolveSecret } from '../config/secret.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../config/config.js';
import { systemClock } from '../core/clock.js';
import { deriveKey } from '../core/tokens/keys.js';
import { rotateKeySetFile } from '../config/signing-keys.js';
import { rotateIdTokenKeys } from '../core/oidc/id-token-keys.js';
import { createStores } from '../storage/create-stores.js';
import type { Stores } from '../storage/types/stores.js';
import { startServer } from '../main.js';
import { storeOptions } from '../compose.js';
import { describeStoreUrl } from '../storage/errors.js';
import { join, resolve } from 'node:path';
import type { CommandSpec, Flags } from './args.js';
import { processIo } from './prompt.js';
import { listUsers } from './user-list.js';
import { importUserFile, requireImportFlags } from './user-import.js';
import { listAudit } from './audit-command.js';
import { addClient, cliClientRegistry, listClients, removeClient, rotateClientSecret, showClient } from './client-commands.js';
import type { ClientRegistry } from '../core/oidc/client-registry.js';
import {
  addWebhook, cliWebhooks, listDeliveries, listWebhooks, removeWebhook, rotateWebhookSecret, showWebhook, updateWebhook, type CliWebhooks,
} from './webhook-commands.js';
import {
  createUser, deleteUser, requireConfirmable, requireDeclaredRole, resetFactors, setDisabled, setPassword, setRole, verifyEmail,
  type UserCommandContext,
} from './user-commands.js';

export interface Command extends CommandSpec {
  /** Resolves to the exit status; -1 keeps the process running (serve). */
  run(flags: Flags): Promise<number>;
}

const USER = { username: 'string', id: 'string' } as const;

function settings(): Readonly<Config> {
  loadDotEnv();
  return loadConfig();
}

/**
 * Opens the stores, first saying on stderr which database this is (never its password): a shell
 * without the production settings would otherwise quietly work on the development SQLite file.
 */
async function withStores(config: Readonly<Config>, action: (stores: Stores) => Promise<void>): Promise<number> {
  console.error(`gatehouse: database ${databaseLabel(config)}`);
  const stores = await createStores(storeOptions(config, true));
  try {
    await action(stores);
    return 0;
  } finally {
    await stores.close();
  }
}

function databaseLabel(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (!config.databaseUrl.startsWith('sqlite:')) return describeStoreUrl(config.databaseUrl);
  const file = resolve(config.databaseUrl.slice('sqlite:'.length));
  const isDefault = config.databaseUrl === `sqlite:${join(config.dataDir, 'gatehouse.db')}`;
  return `SQLite, ${file}${isDefault ? ' (the development default: DATABASE_URL is not set; set it, or run where the server\'s settings are)' : ''}`;
}

/** Reads the settings, checks what they decide (--role against ROLES), opens the stores, runs. */
function userCommand(action: (flags: Flags, ctx: UserCommandContext) => Promise<void>) {
  return (flags: Flags) => {
    const config = settings();
    if (typeof flags.role === 'string') requireDeclaredRole(flags.role, config);
    return withStores(config, (stores) => action(flags, { stores, config, io: processIo() }));
  };
}

/** Reads the settings, opens the stores, runs a client command over the registry. */
function clientCommand(action: (flags: Flags, registry: ClientRegistry) => Promise<void>) {
  return (flags: Flags) => {
    const config = settings();
    return withStores(config, (stores) => action(flags, cliClientRegistry(stores, config)));
  };
}

const CLIENT_ID = { 'client-id': 'string' } as const;

/** Reads the settings, opens the stores, runs a webhook command over the same use cases as the admin API. */
function webhookCommand(action: (flags: Flags, webhooks: CliWebhooks) => Promise<void>) {
  return (flags: Flags) => {
    const config = settings();
    return withStores(config, (stores) => action(flags, cliWebhooks(stores, config)));
  };
}

const WEBHOOK_ID = { id: 'string' } as const;

/**
 * `secret --access-key`: the HS256 access key of the configured secret (GATEHOUSE_SECRET, or the
 * development secret in DATA_DIR, as the server reads it), for services verifying tokens: unlike
 * the master secret it cannot derive the refresh key. Only the key goes to stdout.
 */
function printAccessKey(config: Readonly<Config>): number {
  if (config.jwtAlg !== 'HS256') {
    throw new ConfigError('JWT_ALG', `is ${config.jwtAlg}: access tokens are not signed with the access key; give services the JWKS URL`);
  }
  const { secret, warning } = resolveSecret(config);
  if (warning) console.error(warning);
  console.log(deriveKey(secret, 'access').toString('base64url'));
  return 0;
}

async function rotateKeys(config: Readonly<Config>): Promise<number> {
  const nowMs = systemClock.now();
  const { kid, activatesAt, retiredKid, path } = await rotateKeySetFile(config, nowMs);
  const signs = activatesAt <= nowMs ? 'signs now' : `is published now and signs from ${new Date(activatesAt).toISOString()} (in ${Math.round((activatesAt - nowMs) / 1000)} s)`;
  console.log(`New ${config.jwtAlg} signing key ${kid} in ${path}: it ${signs}.`);
  if (retiredKid) {
    console.log(`Key ${retiredKid} signs until then, and stays published for ${config.accessTokenTtlSeconds + config.clockToleranceSeconds} s more, until its last token has expired.`);
  }
  return 0;
}

/** `keys rotate --id-token`: a new ID-token key in the database, published before it signs (core/oidc/id-token-keys.ts). */
async function rotateIdTokenKey(config: Readonly<Config>): Promise<number> {
  const { secret, warning } = resolveSecret(config);
  if (warning) console.error(warning);
  return withStores(config, async (stores) => {
    const deps = { store: stores.oidcKeys, sealKey: deriveKey(secret, 'oidc-signing-keys'), clock: systemClock, clockToleranceSeconds: config.clockToleranceSeconds };
    const { kid, activatesAt } = await rotateIdTokenKeys(deps, config.oidcIdTokenAlg);
    const nowMs = systemClock.now();
    const signs = activatesAt <= nowMs ? 'signs now' : `is published now and signs from ${new Date(activatesAt).toISOString()} (in ${Math.round((activatesAt - nowMs) / 1000)} s)`;
    console.log(`New ${config.oidcIdTokenAlg} ID-token signing key ${kid} in the database: it ${signs}.`);
  });
}

export const COMMANDS: readonly Command[] = [
  { name: 'serve', flags: {}, run: async () => { await startServer(settings()); return -1; } },
  {
    name: 'secret', flags: { 'access-key': 'boolean' },
    run: async (flags) => {
      if (flags['access-key'] === true) return printAccessKey(settings());
      console.log(generateSecret());
      return 0;
    },
  },
  { name: 'migrate', flags: {}, run: () => withStores(settings(), async () => console.log('Database is up to date.')) },
  { name: 'keys rotate', flags: { 'id-token': 'boolean' }, run: (flags) => (flags['id-token'] === true ? rotateIdTokenKey(settings()) : rotateKeys(settings())) },
  {
    name: 'user list', flags: { json: 'boolean' },
    run: (flags) => withStores(settings(), async (stores) => console.log(await listUsers(stores.users, flags.json === true))),
  },
  {
    name: 'user create', flags: { username: 'string', email: 'string', role: 'string', 'full-name': 'string' },
    required: ['username', 'email'], run: userCommand(createUser),
  },
  { name: 'user set-password', flags: USER, selectsUser: true, run: userCommand(setPassword) },
  { name: 'user role', flags: { ...USER, role: 'string' }, selectsUser: true, required: ['role'], run: userCommand(setRole) },
  { name: 'user verify-email', flags: USER, selectsUser: true, run: userCommand(verifyEmail) },
  {
    name: 'user delete', flags: { ...USER, yes: 'boolean' }, selectsUser: true,
    run: (flags) => {
      requireConfirmable(flags, processIo());
      return userCommand(deleteUser)(flags);
    },
  },
  { name: 'user disable', flags: USER, selectsUser: true, run: userCommand((flags, ctx) => setDisabled(flags, ctx, true)) },
  { name: 'user enable', flags: USER, selectsUser: true, run: userCommand((flags, ctx) => setDisabled(flags, ctx, false)) },
  {
    name: 'audit', flags: { user: 'string', type: 'string', since: 'string', limit: 'string', json: 'boolean' },
    run: (flags) => withStores(settings(), async (stores) => console.log(await listAudit(stores, flags, systemClock))),
  },
  { name: 'user reset-mfa', flags: USER, selectsUser: true, run: userCommand(resetFactors) },
  {
    name: 'user import', argument: 'file', required: ['file'],
    flags: { 'skip-invalid': 'boolean', update: 'boolean', from: 'string', 'hash-config': 'string' },
    run: (flags) => {
      requireImportFlags(flags);
      return userCommand(importUserFile)(flags);
    },
  },
  {
    name: 'client add', run: clientCommand(addClient),
    flags: {
      'client-id': 'string', name: 'string', 'redirect-uris': 'string', 'post-logout-redirect-uris': 'string', 'grant-types': 'string',
      scope: 'string', 'auth-method': 'string', public: 'boolean', 'skip-consent': 'boolean',
    },
  },
  { name: 'client list', flags: { json: 'boolean' }, run: clientCommand(listClients) },
  { name: 'client show', flags: { ...CLIENT_ID, json: 'boolean' }, required: ['client-id'], run: clientCommand(showClient) },
  { name: 'client rotate-secret', flags: CLIENT_ID, required: ['client-id'], run: clientCommand(rotateClientSecret) },
  { name: 'client remove', flags: CLIENT_ID, required: ['client-id'], run: clientCommand(removeClient) },
  {
    name: 'webhook add', flags: { url: 'string', events: 'string', description: 'string' }, required: ['url', 'events'],
    run: webhookCommand(addWebhook),
  },
  { name: 'webhook list', flags: { json: 'boolean' }, run: webhookCommand(listWebhooks) },
  { name: 'webhook show', flags: { ...WEBHOOK_ID, json: 'boolean' }, required: ['id'], run: webhookCommand(showWebhook) },
  {
    name: 'webhook update', required: ['id'], run: webhookCommand(updateWebhook),
    flags: { ...WEBHOOK_ID, url: 'string', events: 'string', description: 'string', enable: 'boolean', disable: 'boolean' },
  },
  { name: 'webhook rotate-secret', flags: WEBHOOK_ID, required: ['id'], run: webhookCommand(rotateWebhookSecret) },
  { name: 'webhook remove', flags: WEBHOOK_ID, required: ['id'], run: webhookCommand(removeWebhook) },
  { name: 'webhook deliveries', flags: { ...WEBHOOK_ID, limit: 'string', json: 'boolean' }, required: ['id'], run: webhookCommand(listDeliveries) },
];

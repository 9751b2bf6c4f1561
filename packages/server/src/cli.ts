#!/usr/bin/env node
// The `gatehouse` command: serve, secret, migrate, user create, user disable / enable, keys rotate.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { systemClock } from './core/clock.js';
import { createAccount, setAccountDisabled } from './core/accounts/create-account.js';
import { AuthError } from './core/errors.js';
import { createPasswordHasher } from './core/passwords/hasher.js';
import { createStores } from './storage/create-stores.js';
import type { Stores } from './storage/types/stores.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config/config.js';
import { startServer } from './main.js';
import { storeOptions } from './compose.js';
import { generateSecret } from './config/secret.js';
import { rotateKeySetFile } from './config/signing-keys.js';

const USAGE = `Usage: gatehouse <command>

  serve                       start the server (same as npm start)
  secret                      print a new random master secret (32 bytes, hex)
  migrate                     apply pending database migrations
  user create --username U --email E [--role admin] [--full-name N]
                              create a user; the password is read from a prompt or stdin
  user disable --username U   disable a user and end all their sessions (or --id ID)
  user enable --username U    enable a user again (or --id ID)
  keys rotate                 add a new access-token signing key (JWT_ALG=EdDSA|ES256|RS256); the old
                              one keeps verifying for ACCESS_TOKEN_TTL, then leaves the JWKS

Settings come from the environment and .env (see the README).`;

type Flags = { username?: string; email?: string; role?: string; 'full-name'?: string; id?: string; help?: boolean };

export async function runCli(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' },
      'full-name': { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) return usage(command ? 0 : 2);
  if (command === 'secret') {
    console.log(generateSecret());
    return 0;
  }
  loadDotEnv();
  const config = loadConfig();
  if (command === 'serve') {
    await startServer(config);
    return -1; // keeps running
  }
  if (command === 'migrate') return withStores(config, async () => console.log('Database is up to date.'));
  if (command === 'user' && sub === 'create') return withStores(config, (stores) => createUser(stores, values, config.hashConcurrency));
  if (command === 'keys' && sub === 'rotate') return rotateKeys(config);
  if (command === 'user' && (sub === 'disable' || sub === 'enable')) {
    return withStores(config, (stores) => setDisabled(stores, values, sub === 'disable'));
  }
  return usage(2);
}

function usage(code: number): number {
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

async function withStores(config: Readonly<Config>, action: (stores: Stores) => Promise<void>): Promise<number> {
  const stores = await createStores(storeOptions(config, true));
  try {
    await action(stores);
    return 0;
  } finally {
    await stores.close();
  }
}

async function createUser(stores: Stores, flags: Flags, hashConcurrency: number): Promise<void> {
  if (!flags.username || !flags.email) throw new UsageError('user create needs --username and --email');
  const password = await readPassword();
  const hasher = await createPasswordHasher({ maxConcurrent: hashConcurrency });
  const user = await createAccount({ users: stores.users, hasher, clock: systemClock }, {
    username: flags.username, email: flags.email, password, fullName: flags['full-name'], role: flags.role ?? 'user',
  });
  console.log(`Created user ${user.username} (${user.id}) with role ${user.role}.`);
}

async function setDisabled(stores: Stores, flags: Flags, disabled: boolean): Promise<void> {
  const user = flags.id ? await stores.users.findById(flags.id) : flags.username ? await stores.users.findByLogin(flags.username) : null;
  if (!flags.id && !flags.username) throw new UsageError('name the user with --username or --id');
  if (!user) throw new AuthError('user_not_found', 'No such user.');
  await setAccountDisabled({ users: stores.users, sessions: stores.sessions, clock: systemClock }, user.id, disabled);
  console.log(`User ${user.username} is now ${disabled ? 'disabled; all their sessions are revoked' : 'enabled'}.`);
}

async function rotateKeys(config: Readonly<Config>): Promise<number> {
  const { kid, retiredKid, path } = await rotateKeySetFile(config, systemClock.now());
  console.log(`New ${config.jwtAlg} signing key ${kid} in ${path}.`);
  if (retiredKid) console.log(`Key ${retiredKid} is retired: it verifies for ${config.accessTokenTtlSeconds + config.clockToleranceSeconds} s more, then leaves the JWKS.`);
  return 0;
}

/** The first line of stdin, or a hidden prompt on a terminal. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    for await (const line of createInterface({ input: process.stdin })) return line;
    throw new UsageError('no password on stdin');
  }
  process.stderr.write('Password: ');
  process.stdin.setRawMode(true);
  let password = '';
  for await (const chunk of process.stdin) {
    for (const char of String(chunk)) {
      if (char === '\r' || char === '\n') {
        process.stdin.setRawMode(false);
        process.stderr.write('\n');
        process.stdin.pause();
        return password;
      }
      if (char === '\u0003') throw new UsageError('cancelled');
      password = char === '\u007f' ? password.slice(0, -1) : password + char;
    }
  }
  throw new UsageError('no password given');
}

class UsageError extends Error {}

async function main(): Promise<void> {
  try {
    const code = await runCli(process.argv.slice(2));
    if (code >= 0) process.exitCode = code;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof AuthError || (error as Error).name === 'TypeError') {
      console.error(`gatehouse: ${(error as Error).message}`);
      process.exitCode = error instanceof ConfigError ? 78 : 1;
      return;
    }
    throw error;
  }
}

await main();

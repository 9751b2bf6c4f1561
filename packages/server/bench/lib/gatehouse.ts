// Gatehouse as a bench target: the built server started as a child (with the node options of
// `npm start`) on a free loopback port with the bench settings (rate limits off, warn-level logs, a fixed secret), and the few API calls
// the cases need to set themselves up.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { startChild, type Child } from './children.js';

export const BENCH_SECRET = 'b3c1f09e6a7d4258e1f4c2a9d7b6e3f0a1c5d8e2f4b7a9c3e6d1f2a4b5c7d8e9';
/** What `gatehouse secret --access-key` prints for BENCH_SECRET: the resource server's key. */
export const BENCH_ACCESS_KEY = deriveKey(BENCH_SECRET, 'access').toString('base64url');
export const BENCH_PASSWORD = 'correct horse battery staple';
/** A machine client declared in OIDC_CLIENTS, for the client_credentials case. */
export const BENCH_CLIENT = { id: 'bench-machine', secret: 'bench-machine-secret-of-forty-characters' };
// The server's default (cores − 1), so the raw argon2id rate is measured at the same concurrency.
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** The node options of `npm start` ("node --flag … dist/src/main.js", the server package's start script), so the bench runs the server as users do. */
export function startNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/src/main.js') throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return words.slice(1, -1);
}

export function startGatehouse(dataDir: string, extra: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<Child> {
  return startChild('gatehouse', MAIN, {
    nodeArgs: [...startNodeOptions(), ...(extra.nodeArgs ?? [])],
    ready: /Gatehouse is running at (http:\/\/\S+)\s/,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      GATEHOUSE_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      HASH_CONCURRENCY: String(HASH_CONCURRENCY),
      RATE_LIMIT_LOGIN_PER_IP: 'off',
      RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: 'off',
      RATE_LIMIT_REFRESH_PER_IP: 'off',
      RATE_LIMIT_REFRESH_PER_ACCOUNT: 'off',
      // production needs SMTP_URL for the mail features; no measured path sends mail
      EMAIL_VERIFICATION: 'off',
      PASSWORD_RESET: 'off',
      MAGIC_LINK: 'off',
      OIDC_CLIENTS: JSON.stringify([{
        client_id: BENCH_CLIENT.id, client_secret: BENCH_CLIENT.secret, grant_types: ['client_credentials'], scope: 'reports:read',
      }]),
      // the embedded default unless a case says otherwise: never the stores of the caller's shell
      DATABASE_URL: '',
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '',
      ...extra.env,
    },
  });
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export async function registerUser(baseUrl: string, username: string): Promise<TokenPair> {
  const body = { username, email: `${username}@example.com`, password: BENCH_PASSWORD, full_name: 'Bench User' };
  return (await call(baseUrl, 'POST', '/auth/register', body, 201)) as TokenPair;
}

export async function login(baseUrl: string, username: string): Promise<TokenPair> {
  return (await call(baseUrl, 'POST', '/auth/login', { username, password: BENCH_PASSWORD }, 200)) as TokenPair;
}

/** Logs the same user in `count` times: that many independent sessions. */
export async function loginMany(baseUrl: string, username: string, count: number): Promise<TokenPair[]> {
  const pairs: TokenPair[] = [];
  // A few at a time: the server's hash pool is the limit anyway.
  for (let i = 0; i < count; i += HASH_CONCURRENCY) {
    const batch = Math.min(HASH_CONCURRENCY, count - i);
    pairs.push(...await Promise.all(Array.from({ length: batch }, () => login(baseUrl, username))));
  }
  return pairs;
}

export async function fetchMe(baseUrl: string, accessToken: string): Promise<string> {
  const res = await fetch(`${baseUrl}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (res.status !== 200) throw new Error(`GET /users/me answered ${res.status}: ${await res.text()}`);
  return res.text();
}

async function call(baseUrl: string, method: string, path: string, body: unknown, expected: number): Promise<unknown> {
  const res = await fetch(`${baseUrl}${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

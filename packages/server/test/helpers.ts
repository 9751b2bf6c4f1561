// A test app on a real SQLite file in a temp folder, with a fixed clock and a fixed secret.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createGatehouse, storeOptions, type Gatehouse, type GatehouseParts } from '../src/compose.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { ManualClock } from '../src/core/clock.js';
import { createStores } from '../src/storage/create-stores.js';
import type { Stores } from '../src/storage/types/stores.js';

export const TEST_SECRET = '9f2c1e7a4b8d3f6e0a5c2b9d8e7f6a1b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';
export const PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: FastifyInstance;
  /** The auth core the app's routes call (compose.ts builds it). */
  auth: Gatehouse['auth'];
  /** The settings the app was built from (the app itself holds only its HTTP slice). */
  config: Readonly<Config>;
  clock: ManualClock;
  stores: Stores;
  /** The mail flows' outbox and the sender (its worker is undefined when mail is off). */
  mail: Gatehouse['mail'];
  /** The job that deletes expired rows (jobs/sweeper.ts): tests call sweepOnce(). */
  sweeper: Gatehouse['sweeper'];
  /** The audit store's batched writer (undefined under AUDIT_LOG=off): flush() it before reading the store. */
  auditWriter: Gatehouse['auditWriter'];
  /** The webhook admin and the webhook channel's worker (stopped under `mailWorker: false`). */
  webhooks: Gatehouse['webhooks'];
  /** The OpenID Connect provider's parts (undefined while it is off): tests open client sessions with it. */
  oidc: Gatehouse['oidc'];
  dir: string;
  close(): Promise<void>;
}

export interface TestAppDeps extends Pick<GatehouseParts, 'logStream' | 'mailWorker'> {
  stores?: (stores: Stores) => Stores;
  /** A test SMTP server (test/mail/smtp-sink.ts) to deliver mail to: sets SMTP_URL, unless `env` sets it. */
  smtp?: { url: string };
}

/** NODE_ENV=production starts only with SMTP_URL or with every mail feature off: this turns them off. */
export const MAIL_OFF = { EMAIL_VERIFICATION: 'off', PASSWORD_RESET: 'off', MAGIC_LINK: 'off' } as const;

/**
 * Builds the app on a fresh SQLite file (or the DATABASE_URL of `env`); `env` overrides settings as
 * environment variables would; `deps.stores` may wrap the stores the app gets; `deps.smtp` sends
 * mail to a test SMTP server (without it, mail goes to the log); `deps.mailWorker: false` leaves
 * the sender stopped for a test to drive (`mail.worker.drain()`).
 */
export async function createTestApp(env: Record<string, string> = {}, deps: TestAppDeps = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_LOGIN_PER_IP: '1000/1m',
    RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '1000/1m',
    RATE_LIMIT_REFRESH_PER_IP: '1000/1m',
    RATE_LIMIT_REFRESH_PER_ACCOUNT: '1000/1m',
    // registrations mail (a verification link) and count against it: tests register many users from one address
    RATE_LIMIT_MAIL_PER_IP: '1000/1m',
    ...(deps.smtp ? { SMTP_URL: deps.smtp.url } : {}),
    ...env,
  });
  const stores = await createStores(storeOptions(config, true));
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const parts = { secret: TEST_SECRET, stores: deps.stores?.(stores) ?? stores, clock, logStream: deps.logStream, mailWorker: deps.mailWorker };
  const { app, auth, mail, sweeper, auditWriter, webhooks, oidc } = await createGatehouse(config, parts).catch(async (error: unknown) => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    app, auth, config, clock, stores, mail, sweeper, auditWriter, webhooks, oidc, dir,
    async close() {
      await app.close();
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Pair {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

let counter = 0;

/** Registers a fresh user; returns its name, email and first token pair. */
export async function registerUser(app: FastifyInstance, overrides: Partial<{ username: string; email: string; password: string }> = {}) {
  counter += 1;
  const username = overrides.username ?? `user${counter}_${process.pid}`;
  const email = overrides.email ?? `${username}@example.com`.toLowerCase();
  const password = overrides.password ?? PASSWORD;
  const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, email, password } });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as Pair & { user: { id: string } };
  return { username, email, password, userId: body.user.id, tokens: body as Pair };
}

/** GET /users/me with an access token. */
export function me(app: FastifyInstance, accessToken: string) {
  return app.inject({ method: 'GET', url: '/users/me', headers: bearer(accessToken) });
}

/** The refresh step: POST /auth/refresh with both tokens of a pair. */
export function refresh(app: FastifyInstance, pair: { access_token: string; refresh_token: string }) {
  return app.inject({
    method: 'POST', url: '/auth/refresh',
    payload: { access_token: pair.access_token, refresh_token: pair.refresh_token },
  });
}

/** A loopback port nothing listens on now (taken, then given back). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Status and code of an error answer, for one assert. */
export function failure(res: LightMyRequestResponse): { status: number; code: string } {
  return { status: res.statusCode, code: (res.json() as { code: string }).code };
}

/**
 * The one error shape, exactly: {statusCode, code, error, message}, JSON, never a 500. Answers the
 * message, for the test to check what it tells the caller.
 */
export function assertError(res: LightMyRequestResponse, status: number, code: string): string {
  assert.notEqual(res.statusCode, 500, res.body);
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode']);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  assert.deepEqual(body, { statusCode: status, code, error: STATUS_CODES[status], message: body.message });
  return body.message;
}

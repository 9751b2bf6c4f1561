// For the browser tests: the real app on loopback with the real clock (the browser's time cannot
// be fixed), counting requests per route, and headless Chromium from the Debian package. Without
// /usr/bin/chromium the tests are skipped with the reason, except under CI=true where they fail.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createGatehouse } from '../../src/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { PASSWORD, TEST_SECRET } from '../helpers.js';
import type { Stores } from '../../src/storage/types/stores.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Declares a browser test, or its skip (a failure under CI=true) when Chromium is missing. */
export function browserTest(name: string, fn: (t: TestContext) => Promise<void>): void {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') {
    test(name, { timeout: 60_000 }, fn);
    return;
  }
  const reason = `${CHROMIUM} is missing (apt-get install chromium)`;
  console.log(`# skipping browser test "${name}": ${reason}`);
  test(name, { skip: reason }, () => {});
}

export async function launchBrowser(t: TestContext): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: CI must install the Debian package chromium`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  t.after(() => browser.close());
  return browser;
}

export interface LiveServer {
  baseUrl: string;
  /** How many requests reached "METHOD /path" so far. */
  count(route: string): number;
  /** Registers a user through the API; answers its username. */
  registerUser(): Promise<string>;
  /** The app's stores (a test gives a user the admin role in them). */
  stores: Stores;
}

let users = 0;

/** `port` 0 takes any free one; a test that must know the origin before the start (WEBAUTHN_ORIGINS) gives one. */
export async function startServer(t: TestContext, env: Record<string, string> = {}, port = 0): Promise<LiveServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '0',
    RATE_LIMIT_LOGIN_PER_IP: 'off', RATE_LIMIT_REFRESH_PER_IP: 'off', RATE_LIMIT_REFRESH_PER_ACCOUNT: 'off',
    RATE_LIMIT_MAIL_PER_IP: 'off',
    ...env,
  });
  const { app, stores } = await createGatehouse(config, { secret: TEST_SECRET });
  t.after(async () => {
    await app.close(); // and the stores it opened
    rmSync(dir, { recursive: true, force: true });
  });
  const counts = new Map<string, number>();
  app.addHook('onRequest', async (request) => {
    const route = `${request.method} ${request.url.split('?')[0]}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  });
  // `port`, or PORT in env (a freePort()): PUBLIC_URL, and so mailed links and WebAuthn origins, name the port listened on.
  const listened = await app.listen({ port: port !== 0 ? port : config.port, host: '127.0.0.1' });
  // the browser goes where the mail sends it: PUBLIC_URL's origin, http://localhost:PORT by default
  const baseUrl = env.PUBLIC_URL ?? listened.replace('//127.0.0.1:', '//localhost:');
  return { baseUrl, count: (route) => counts.get(route) ?? 0, registerUser: () => register(baseUrl), stores };
}

async function register(baseUrl: string): Promise<string> {
  users += 1;
  const username = `browser${users}_${process.pid}`;
  const res = await fetch(`${baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return username;
}

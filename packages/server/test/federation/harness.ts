// Gatehouse on a real port next to a real OpenID Connect provider (test-provider.ts), and the steps
// of a federated login as a browser takes them (browser.ts): start, the provider's login form, the
// callback, the app's page with its code, the exchange.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createTestApp, freePort, type TestApp } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { startTestProvider, type TestAccount, type TestProvider } from './test-provider.js';

export const APP_URL = 'http://app.example.test';
export const CLIENT = { client_id: 'gatehouse-test', client_secret: 'gatehouse-test-client-secret-0123456789' };

export interface Stand {
  gatehouse: TestApp;
  baseUrl: string;
  provider: TestProvider;
  /** The cause the server logged for the last failed sign-in (which check failed). */
  lastFailure(): string;
  /** Marks an account's email verified, as following the mailed link would. */
  markEmailVerified(userId: string): Promise<void>;
}

let serial = 0;

/** An account at the test provider; each test gets fresh ones. */
export function account(overrides: Partial<TestAccount> = {}): TestAccount {
  serial += 1;
  const login = overrides.login ?? `fed${serial}_${process.pid}`;
  return { sub: `sub-${login}`, login, password: 'provider password 1', email: `${login}@idp.example`, email_verified: true, name: `Fed ${serial}`, ...overrides };
}

/** The provider and Gatehouse; `env` adds settings, `entries` replaces the provider list. */
export async function startStand(t: TestContext, accounts: TestAccount[], env: Record<string, string> = {}, entries?: (issuer: string) => object[]): Promise<Stand> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const provider = await startTestProvider(t, [{ ...CLIENT, redirect_uris: [`${baseUrl}/auth/federated/local/callback`, `${baseUrl}/auth/federated/other/callback`] }], accounts);
  const list = entries?.(provider.issuer) ?? [{ id: 'local', name: 'Local IdP', issuer: provider.issuer, ...CLIENT }];
  const logged: string[] = [];
  const logStream = { write: (line: string) => void logged.push(String(JSON.parse(line).err?.message ?? '')) };
  const gatehouse = await createTestApp({ PUBLIC_URL: baseUrl, APP_URL, FEDERATION_PROVIDERS: JSON.stringify(list), LOG_LEVEL: 'warn', ...env }, { logStream });
  await gatehouse.app.listen({ port, host: '127.0.0.1' });
  t.after(() => gatehouse.close());
  const markEmailVerified = async (userId: string) => {
    await gatehouse.stores.users.update(userId, { emailVerified: true }, new Date(gatehouse.clock.now()));
  };
  return { gatehouse, baseUrl, provider, lastFailure: () => logged.at(-1) ?? '', markEmailVerified };
}

/** An app's RFC 7636 pair: the verifier it keeps, the S256 challenge it sends at the start. */
export function pkce(verifier = randomBytes(32).toString('base64url')): { verifier: string; challenge: string } {
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The pair signIn and exchange use unless told otherwise. */
export const APP_PKCE = pkce();

/** The start URL's query: redirect_to (when given) and the S256 challenge. */
export function startQuery(redirectTo: string | undefined, challenge: string | null = APP_PKCE.challenge): string {
  const query = new URLSearchParams();
  if (redirectTo !== undefined) query.set('redirect_to', redirectTo);
  if (challenge !== null) {
    query.set('code_challenge', challenge);
    query.set('code_challenge_method', 'S256');
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

export interface SignInOptions {
  provider?: string;
  redirectTo?: string;
  /** The S256 challenge the app sends (APP_PKCE's by default; null: none). */
  codeChallenge?: string | null;
  /** Changes the provider URL Gatehouse redirected to (a tampered nonce or PKCE challenge). */
  authorize?: (url: URL) => URL;
  /** Changes the callback URL before the browser opens it (a tampered state, a dropped iss). */
  callback?: (url: URL) => URL;
}

/** A whole login in `browser` as `who`; answers the URL Gatehouse finally sent the browser to. */
export async function signIn(stand: Stand, browser: TestBrowser, who: TestAccount, options: SignInOptions = {}): Promise<URL> {
  const provider = options.provider ?? 'local';
  const query = startQuery(options.redirectTo, options.codeChallenge);
  const start = await browser.get(`${stand.baseUrl}/auth/federated/${provider}/start${query}`);
  assert.equal(start.status, 302, await start.text());
  let authorize = new URL(start.headers.get('location')!);
  if (authorize.origin !== stand.provider.issuer) return authorize; // the start failed: the app's page with an error
  if (options.authorize) authorize = options.authorize(authorize);
  const callback = await atCallback(stand, browser, authorize, who, provider);
  const final = await browser.get(options.callback ? options.callback(callback) : callback);
  assert.equal(final.status, 302, await final.text());
  return new URL(final.headers.get('location')!);
}

/** Through the provider (its login form when it has no session) to the URL it sends back to Gatehouse. */
export async function atCallback(stand: Stand, browser: TestBrowser, authorize: URL, who: TestAccount, provider = 'local'): Promise<URL> {
  const isCallback = (url: URL) => url.href.startsWith(`${stand.baseUrl}/auth/federated/${provider}/callback`);
  let step = await browser.follow(authorize, isCallback);
  if (isCallback(step.url)) return step.url;
  assert.equal(step.response.status, 200, `expected the login form at ${step.url.href}`);
  const form = new URL(`${step.url.pathname}/login`, step.url);
  const posted = await browser.post(form, { login: who.login, password: who.password });
  assert.equal(posted.status, 303, await posted.text());
  step = await browser.follow(new URL(posted.headers.get('location')!, form), isCallback);
  assert.ok(isCallback(step.url), `expected the callback, got ${step.response.status} at ${step.url.href}`);
  return step.url;
}

/** POST /auth/federated/exchange with the app's verifier (APP_PKCE's by default; null: none). */
export function exchange(stand: Stand, code: string, verifier: string | null = APP_PKCE.verifier) {
  return stand.gatehouse.app.inject({ method: 'POST', url: '/auth/federated/exchange', payload: verifier === null ? { code } : { code, code_verifier: verifier } });
}

// The SSO code-flow case (docs/benchmarks.md, "The cases"): a person already signed in through the
// provider's own sign-in, and each flow is GET authorize (prompt=none, PKCE S256) → 303 with a code
// → POST /token (authorization_code, client_secret_basic) → an RS256 ID token. Gatehouse and
// node-oidc-provider (bench/servers/oidc-provider.ts) run the same flow in alternating slices.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stopChild, type Child } from './children.js';
import { BENCH_PASSWORD, registerUser, startGatehouse, startNodeOptions } from './gatehouse.js';
import { measurePaired, type Measurement, type Side } from './load.js';

export const SSO_TARGET_RATIO = 3;
const CONNECTIONS = 10;
const CLIENT = { id: 'bench-sso', secret: 'bench-sso-client-secret-of-forty-characters', redirectUri: 'http://127.0.0.1:9/cb' };
const ISSUER = 'http://127.0.0.1';
const USERNAME = 'bench_user';
const VERIFIER = randomBytes(32).toString('base64url');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const BASIC = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
const OIDC_PROVIDER = fileURLToPath(new URL('../servers/oidc-provider.js', import.meta.url));

export interface SsoResults {
  gatehouse: Measurement;
  oidcProvider: Measurement;
  /** Token answers of 200 without an ID token (none in a sound run). */
  withoutIdToken: number;
}

/** A fetch cookie jar that follows nothing by itself. */
class Jar {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.base), {
      ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: this.header() },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, at).trim());
      else this.cookies.set(pair.slice(0, at).trim(), value);
    }
    return res;
  }
  /** Follows 30x answers from `url` until the client's redirect URI; answers that URI. */
  async follow(url: string, onPage?: (res: Response, url: string) => Promise<string>): Promise<URL> {
    let next = url;
    for (let hops = 0; hops < 10; hops++) {
      if (next.startsWith(CLIENT.redirectUri)) return new URL(next);
      const res = await this.request(next);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) next = new URL(location, new URL(next, this.base)).href;
      else if (onPage) next = await onPage(res, next);
      else throw new Error(`${next} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    }
    throw new Error('too many redirects');
  }
}

const flowQuery = (extra: Record<string, string> = {}) => new URLSearchParams({
  response_type: 'code', client_id: CLIENT.id, redirect_uri: CLIENT.redirectUri, scope: 'openid email', state: 'bench-state',
  nonce: 'bench-nonce', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra,
}).toString();

const inputValue = (page: string, name: string) => {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0];
  return tag === undefined ? undefined : /value="([^"]*)"/.exec(tag)?.[1]?.replaceAll('&amp;', '&');
};

/** Gatehouse: a real sign-in through /signin (its form, CSRF and all), from an authorize request. */
async function signInGatehouse(url: string): Promise<Jar> {
  const jar = new Jar(url);
  await jar.follow(`/oauth/authorize?${flowQuery()}`, async (res, at) => {
    const page = await res.text();
    if (!new URL(at).pathname.startsWith('/signin')) throw new Error(`${at} answered ${res.status}: ${page.slice(0, 500)}`);
    const form = new URLSearchParams({ csrf: inputValue(page, 'csrf') ?? '', login: USERNAME, password: BENCH_PASSWORD, continue: inputValue(page, 'continue') ?? '' });
    const posted = await jar.request('/signin', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const location = posted.headers.get('location');
    if (posted.status !== 303 || !location) throw new Error(`POST /signin answered ${posted.status}: ${(await posted.text()).slice(0, 500)}`);
    return new URL(location, url).href;
  });
  return jar;
}

/** node-oidc-provider: its interaction, finished for the bench account by the server's login route. */
async function signInOidcProvider(url: string): Promise<Jar> {
  const jar = new Jar(url);
  await jar.follow(`/auth?${flowQuery()}`, async (res, at) => {
    const path = new URL(at).pathname;
    if (!/^\/interaction\/[^/]+$/.test(path)) throw new Error(`${at} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    return new URL(`${path}/login`, url).href;
  });
  return jar;
}

/** One flow by hand, to check what the load will count: a code, then a 200 with an RS256 ID token. */
async function checkFlow(name: string, jar: Jar, authorizePath: string): Promise<void> {
  const res = await jar.request(`${authorizePath}?${flowQuery({ prompt: 'none' })}`);
  const code = new URL(res.headers.get('location') ?? '', 'http://x').searchParams.get('code');
  if (res.status !== 303 || !code) throw new Error(`${name}: prompt=none answered ${res.status} ${res.headers.get('location')}`);
  const token = await jar.request('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC }, body: tokenBody(code) });
  const body = await token.json() as { id_token?: string };
  const header = JSON.parse(Buffer.from(body.id_token?.split('.')[0] ?? '', 'base64url').toString() || '{}') as { alg?: string };
  if (token.status !== 200 || header.alg !== 'RS256') throw new Error(`${name}: /token answered ${token.status} without an RS256 ID token: ${JSON.stringify(body)}`);
}

const tokenBody = (code: string) => new URLSearchParams({
  grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirectUri, code_verifier: VERIFIER,
}).toString();

/** The flow as an autocannon request sequence: the code of each authorize answer goes into the next token request. */
function flowSide(url: string, jar: Jar, authorizePath: string, counters: { withoutIdToken: number }): Side {
  return {
    url,
    options: {
      connections: CONNECTIONS,
      requests: [{
        method: 'GET', path: `${authorizePath}?${flowQuery({ prompt: 'none' })}`, headers: { cookie: jar.header() },
        onResponse: (_status, _body, context, headers) => {
          const location = headers.location ?? headers.Location;
          context.code = typeof location === 'string' ? new URL(location, url).searchParams.get('code') ?? undefined : undefined;
        },
      }, {
        method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
        setupRequest: (request, context) => {
          if (typeof context.code !== 'string') return null;
          const body = tokenBody(context.code);
          context.code = undefined;
          return { ...request, body };
        },
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"id_token"')) counters.withoutIdToken++;
        },
      }],
    },
  };
}

/** Authorize answers (303) are the flow's first half, not failures: only the rest count as such. */
function flowsOnly(m: Measurement): Measurement {
  return { ...m, failures: m.failures - (m.statusCounts['303'] ?? 0) };
}

/** Gatehouse with the bench's SSO client, the bench user signed in through /signin: the child and its flow as load (also for bench/profile.ts). */
export async function startSsoGatehouse(dataDir: string, nodeArgs: string[] = []): Promise<{ child: Child; side: (counters: { withoutIdToken: number }) => Side }> {
  const child: Child = await startGatehouse(dataDir, {
    nodeArgs,
    env: {
      PUBLIC_URL: ISSUER,
      OIDC_CLIENTS: JSON.stringify([{
        client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [CLIENT.redirectUri],
        grant_types: ['authorization_code'], scope: 'openid email', skip_consent: true,
      }]),
    },
  });
  try {
    await registerUser(child.url, USERNAME);
    const jar = await signInGatehouse(child.url);
    await checkFlow('Gatehouse', jar, '/oauth/authorize');
    return { child, side: (counters) => flowSide(child.url, jar, '/oauth/authorize', counters) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

export async function measureSso(dataDir: string): Promise<SsoResults> {
  const [gatehouse, reference] = await Promise.all([
    startSsoGatehouse(join(dataDir, 'sso')),
    startChild('oidc-provider', OIDC_PROVIDER, {
      nodeArgs: startNodeOptions(),
      env: { BENCH_SSO_CLIENT_ID: CLIENT.id, BENCH_SSO_CLIENT_SECRET: CLIENT.secret, BENCH_SSO_REDIRECT_URI: CLIENT.redirectUri },
    }),
  ]);
  try {
    const referenceJar = await signInOidcProvider(reference.url);
    await checkFlow('node-oidc-provider', referenceJar, '/auth');
    const counters = { withoutIdToken: 0 };
    const paired = await measurePaired(gatehouse.side(counters), flowSide(reference.url, referenceJar, '/auth', counters));
    return { gatehouse: flowsOnly(paired.subject), oidcProvider: flowsOnly(paired.reference), withoutIdToken: counters.withoutIdToken };
  } finally {
    await Promise.all([stopChild(gatehouse.child), stopChild(reference)]);
  }
}

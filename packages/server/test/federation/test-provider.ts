// A real OpenID Connect provider for the tests: panva's oidc-provider on 127.0.0.1 and a free port,
// with test accounts and our own interaction (a login form checking a password) that the tests
// drive over HTTP and Chromium fills in. The code flow, PKCE, ID tokens and JWKS are its own.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import Provider from 'oidc-provider';
import { freePort } from '../helpers.js';

export interface TestAccount {
  sub: string;
  login: string;
  password: string;
  email: string;
  email_verified: boolean;
  name: string;
}

export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** The provider's token endpoint, for tests that call it directly. */
  tokenEndpoint: string;
}

export async function startTestProvider(t: TestContext, clients: TestClient[], accounts: TestAccount[]): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const byLogin = new Map(accounts.map((account) => [account.login, account]));
  const bySub = new Map(accounts.map((account) => [account.sub, account]));
  const provider = new Provider(issuer, {
    clients,
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.email, email_verified: account.email_verified, name: account.name, preferred_username: account.login }),
      };
    },
  });
  const callback = provider.callback();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) interaction(provider, byLogin, req, res).catch((error: unknown) => fail(res, error));
    else callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { issuer, accounts: bySub, tokenEndpoint: `${issuer}/token` };
}

/** GET /interaction/:uid shows the form; POST …/login checks the password; GET …/abort declines. */
async function interaction(provider: any, byLogin: Map<string, TestAccount>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, , uid, action] = (req.url ?? '').split('?')[0]!.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (action === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'declined' }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'GET') return page(res, uid!, '');
  const form = new URLSearchParams(await body(req));
  const account = byLogin.get(form.get('login') ?? '');
  if (!account || account.password !== form.get('password')) return page(res, uid!, 'Wrong login or password.');
  const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

function page(res: ServerResponse, uid: string, message: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Test provider</title><h1>Test provider sign-in</h1><p>${message}</p>
<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form><a href="/interaction/${uid}/abort">Cancel</a>`);
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fail(res: ServerResponse, error: unknown): void {
  res.writeHead(500, { 'content-type': 'text/plain' });
  res.end(String(error));
}

// What the OpenID Connect provider tests share: an app with PUBLIC_URL (the provider on) and three
// clients, and a session opened for a client as the authorization_code grant opens one.
import type { TestContext } from 'node:test';
import { createTestApp, registerUser, type TestApp } from '../helpers.js';
import type { ClientTokenSet } from '../../src/core/oidc/client-session.js';

export const ISSUER = 'https://sso.example.com';
export const WIKI = { id: 'wiki', secret: 'w'.repeat(40) };
export const GRAFANA = { id: 'grafana', secret: 'g'.repeat(40) };
export const SPA = { id: 'spa' };
export const CLIENTS = JSON.stringify([
  { client_id: WIKI.id, client_secret: WIKI.secret, redirect_uris: ['https://wiki.example.com/cb'], scope: 'openid email profile offline_access' },
  { client_id: GRAFANA.id, client_secret: GRAFANA.secret, redirect_uris: ['https://grafana.example.com/cb'], token_endpoint_auth_method: 'client_secret_post' },
  { client_id: SPA.id, token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.example.com/cb'] },
]);

export async function providerApp(t: TestContext, env: Record<string, string> = {}): Promise<TestApp & { oidc: NonNullable<TestApp['oidc']> }> {
  const ctx = await createTestApp({ PUBLIC_URL: ISSUER, OIDC_CLIENTS: CLIENTS, ...env });
  t.after(() => ctx.close());
  if (!ctx.oidc) throw new Error('the provider is off');
  return { ...ctx, oidc: ctx.oidc };
}

export const CTX = { ip: '127.0.0.1', ipKey: '127.0.0.1', userAgent: 'test' };

/** A registered user and a session opened for `clientId` with `scopes`, as the code grant opens it. */
export async function clientSession(ctx: TestApp & { oidc: NonNullable<TestApp['oidc']> }, clientId: string, scopes: string[], userId?: string) {
  const id = userId ?? (await registerUser(ctx.app)).userId;
  const user = (await ctx.stores.users.findById(id))!;
  const auth = { amr: ['pwd'] as const, authTime: new Date(ctx.clock.now()) };
  const { tokens, sessionId } = await ctx.oidc.openClientSession(user, { ...auth, amr: [...auth.amr] }, { clientId, scopes }, CTX);
  return { user, tokens: tokens as ClientTokenSet, sessionId };
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
export const FORM = 'application/x-www-form-urlencoded';
export const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

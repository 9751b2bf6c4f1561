// Test helpers for @gatehouse-auth/verify: a real Gatehouse test app listening on loopback (for the JWKS
// URL), with a count of the JWKS requests it has answered.
import type { AddressInfo } from 'node:net';
import { createTestApp, registerUser, type TestApp } from '../helpers.js';

export interface ListeningGatehouse extends TestApp {
  baseUrl: string;
  jwksUrl: string;
  /** How many times /.well-known/jwks.json was fetched. */
  jwksRequests(): number;
}

export async function listenGatehouse(env: Record<string, string> = {}): Promise<ListeningGatehouse> {
  const ctx = await createTestApp(env);
  let count = 0;
  ctx.app.addHook('onRequest', async (request) => {
    if (request.url === '/.well-known/jwks.json') count += 1;
  });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = ctx.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { ...ctx, baseUrl, jwksUrl: `${baseUrl}/.well-known/jwks.json`, jwksRequests: () => count };
}

/** A user of the real app whose role was set to `role`, and a fresh token pair carrying it. */
export async function userWithRole(ctx: TestApp, role: string): Promise<{ userId: string; accessToken: string }> {
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { role }, new Date(ctx.clock.now()));
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  return { userId: user.userId, accessToken: login.json().access_token };
}

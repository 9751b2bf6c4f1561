// The real server for the third-party OAuth 2.0 clients: listening on a loopback port chosen before
// it is built, so PUBLIC_URL (the RFC 8414 document's endpoints) and JWT_ISSUER (which RFC 8414 §3.3
// clients compare with the URL they discovered from) both name it.
import type { TestContext } from 'node:test';
import { createTestApp, type TestApp, freePort } from '../helpers.js';

export const RESOURCE_SERVER = { id: 'orders-api', secret: 'orders-secret-0123456789' };

export interface OAuthServer extends TestApp {
  /** http://127.0.0.1:PORT: PUBLIC_URL and the issuer. */
  baseUrl: string;
}


export async function startOAuthServer(t: TestContext): Promise<OAuthServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestApp({
    PORT: String(port), PUBLIC_URL: baseUrl, JWT_ISSUER: baseUrl, INTROSPECTION_CLIENTS: `${RESOURCE_SERVER.id}:${RESOURCE_SERVER.secret}`,
  });
  t.after(() => ctx.close());
  await ctx.app.listen({ host: '127.0.0.1', port });
  return { ...ctx, baseUrl };
}

// The real test app listening on loopback, for the client's tests: the client's fetch goes over
// HTTP to it, and an onRequest hook counts the requests per "METHOD /path".
import type { TestContext } from 'node:test';
import { createTestApp, type TestApp } from '../helpers.js';

export interface LiveApp extends TestApp {
  baseUrl: string;
  /** How many requests reached "METHOD /path" so far. */
  count(route: string): number;
}

export async function startLiveApp(t: TestContext, env: Record<string, string> = {}, setup?: (ctx: TestApp) => void): Promise<LiveApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  const counts = new Map<string, number>();
  ctx.app.addHook('onRequest', async (request) => {
    const route = `${request.method} ${request.url.split('?')[0]}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  });
  setup?.(ctx);
  const baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...ctx, baseUrl, count: (route) => counts.get(route) ?? 0 };
}

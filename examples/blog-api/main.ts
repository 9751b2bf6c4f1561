// Starts the blog: `GATEHOUSE_JWKS_URL=http://127.0.0.1:3000/.well-known/jwks.json node
// dist/examples/blog-api/main.js` (the server with JWT_ALG=EdDSA, ES256 or RS256), or
// GATEHOUSE_SECRET=... with the default HS256.
import { pathToFileURL } from 'node:url';
import { remoteJwksKeySource, sharedSecretKeySource } from '@gatehouse-auth/verify';
import { buildBlogApp } from './app.js';

export async function main(env: Record<string, string | undefined> = process.env): Promise<void> {
  const jwksUrl = env.GATEHOUSE_JWKS_URL;
  const secret = env.GATEHOUSE_SECRET;
  if (!jwksUrl && !secret) throw new Error('set GATEHOUSE_JWKS_URL (asymmetric tokens) or GATEHOUSE_SECRET (HS256)');
  const keys = jwksUrl ? remoteJwksKeySource(jwksUrl) : sharedSecretKeySource(secret!);
  const app = await buildBlogApp({ verify: { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }, logger: true });
  await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 4000) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

// Starts the blog: `GATEHOUSE_JWKS_URL=http://127.0.0.1:3000/.well-known/jwks.json npm start -w
// examples/blog-api` (the server with JWT_ALG=EdDSA, ES256 or RS256), or, with the default HS256,
// GATEHOUSE_ACCESS_KEY=$(npx gatehouse secret --access-key): the access key only, never the master
// secret, from which the refresh key derives.
import { pathToFileURL } from 'node:url';
import { accessKeySource, remoteJwksKeySource } from '@gatehouse-auth/verify';
import { buildBlogApp } from './app.js';

export async function main(env: Record<string, string | undefined> = process.env): Promise<void> {
  const jwksUrl = env.GATEHOUSE_JWKS_URL;
  const accessKey = env.GATEHOUSE_ACCESS_KEY;
  if (!jwksUrl && !accessKey) {
    const secretSet = env.GATEHOUSE_SECRET ? ' (not GATEHOUSE_SECRET: the blog never needs the master secret)' : '';
    throw new Error(`set GATEHOUSE_JWKS_URL (asymmetric tokens) or GATEHOUSE_ACCESS_KEY (HS256: \`npx gatehouse secret --access-key\`)${secretSet}`);
  }
  const keys = jwksUrl ? remoteJwksKeySource(jwksUrl) : accessKeySource(accessKey!);
  const app = await buildBlogApp({ verify: { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }, logger: true });
  await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 4000) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

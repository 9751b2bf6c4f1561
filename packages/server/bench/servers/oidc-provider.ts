// node-oidc-provider as the SSO code-flow case's reference (docs/benchmarks.md, "The cases"): one
// confidential client (BENCH_SSO_CLIENT_ID / _SECRET / _REDIRECT_URI), an RS256 key made at start,
// one account, and consent granted up front for that first-party client (its documented
// loadExistingGrant recipe), as Gatehouse's `skip_consent` does. The harness signs in once through
// the interaction (`/interaction/:uid/login` finishes it for the bench account) and keeps the session cookie.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Context } from 'oidc-provider';

const ACCOUNT = 'bench_user';
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const key = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'bench' };

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(url, {
    clients: [{
      client_id: env('BENCH_SSO_CLIENT_ID'), client_secret: env('BENCH_SSO_CLIENT_SECRET'), redirect_uris: [env('BENCH_SSO_REDIRECT_URI')],
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [key] },
    cookies: { keys: ['bench-cookie-key-of-some-length-0123456789'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: Context, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: Context, id: string) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true }) }),
    loadExistingGrant: async (ctx: Context) => {
      const session = ctx.oidc.session!;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: session.accountId! });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (/^\/interaction\/[^/]+\/login$/.test(req.url ?? '')) {
      provider.interactionFinished(req, res, { login: { accountId: ACCOUNT } }, { mergeWithLastSubmission: false })
        .catch((error: unknown) => { res.statusCode = 500; res.end(String(error)); });
      return;
    }
    callback(req, res);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
  console.log(`READY ${url}`);
});

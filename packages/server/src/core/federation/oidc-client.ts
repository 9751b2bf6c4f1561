// Any OpenID Connect provider through openid-client (its examples/oidc.ts): discovery from the
// issuer on first use (retried after a failure, so a provider that is down never stops the start),
// then the code flow with PKCE S256, state and nonce, and the ID token checked — issuer, audience,
// expiry, nonce, and its signature against the provider's JWKS (enableNonRepudiationChecks).
import * as client from 'openid-client';
import type { FederationProvider } from '../../config/federation-settings.js';
import { claimedEmail, claimedText, type ExternalProfile, type LoginChecks, type ProviderClient } from './provider-client.js';
import { providerFailure } from './provider-errors.js';

export interface ProviderCallOptions {
  /** PUBLIC_URL/auth/federated/<id>/callback, registered at the provider. */
  redirectUri: string;
  timeoutMs: number;
}

export function createOidcClient(provider: FederationProvider, options: ProviderCallOptions): ProviderClient {
  const issuer = new URL(provider.issuer!);
  // plain http only reaches this point for a loopback issuer (config/federation-settings.ts)
  const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks];
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= client.discovery(issuer, provider.clientId, provider.clientSecret, undefined, { execute, timeout: options.timeoutMs / 1000 })
      .catch((error: unknown) => {
        discovered = undefined; // the next login tries again
        throw providerFailure(error, provider.name);
      });
    return discovered;
  };

  return {
    async authorizationUrl(checks: LoginChecks) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri, scope: provider.scopes.join(' '), state: checks.state, nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier), code_challenge_method: 'S256',
      });
    },

    async finish(callbackUrl: URL, checks: LoginChecks) {
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true,
        });
        const claims: Record<string, unknown> = { ...tokens.claims()! };
        // Providers may keep email and profile claims for the UserInfo endpoint (OIDC Core §5.4)
        if (claims.email === undefined && config.serverMetadata().userinfo_endpoint) {
          Object.assign(claims, await client.fetchUserInfo(config, tokens.access_token, String(claims.sub)), { sub: claims.sub });
        }
        return profileOf(claims);
      } catch (error) {
        throw providerFailure(error, provider.name);
      }
    },
  };
}

function profileOf(claims: Record<string, unknown>): ExternalProfile {
  const email = claimedEmail(claims.email);
  return {
    subject: String(claims.sub),
    email,
    emailVerified: email !== null && claims.email_verified === true,
    username: claimedText(claims.preferred_username) ?? claimedText(claims.nickname),
    name: claimedText(claims.name),
  };
}

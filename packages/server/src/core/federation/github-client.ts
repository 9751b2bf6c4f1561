// GitHub, which speaks OAuth 2.0 but not OpenID Connect: the code flow with PKCE S256 and state
// through openid-client, then the person from its REST API — GET /user (the numeric id is the
// subject, login the username) and GET /user/emails (the primary address and whether GitHub verified
// it). Endpoints from the provider entry, so GitHub Enterprise Server or a test stand-in can be used.
import * as client from 'openid-client';
import type { FederationProvider } from '../../config/federation-settings.js';
import type { ProviderCallOptions } from './oidc-client.js';
import { claimedEmail, claimedText, type ExternalProfile, type LoginChecks, type ProviderClient } from './provider-client.js';
import { providerFailure } from './provider-errors.js';

interface GitHubUser { id?: unknown; login?: unknown; name?: unknown; email?: unknown }
interface GitHubEmail { email?: unknown; primary?: unknown; verified?: unknown }

export function createGitHubClient(provider: FederationProvider, options: ProviderCallOptions): ProviderClient {
  const endpoints = provider.github!;
  const config = new client.Configuration({
    issuer: new URL(endpoints.authorizationEndpoint).origin,
    authorization_endpoint: endpoints.authorizationEndpoint,
    token_endpoint: endpoints.tokenEndpoint,
  }, provider.clientId, provider.clientSecret);
  config.timeout = options.timeoutMs / 1000;
  if (new URL(endpoints.tokenEndpoint).protocol === 'http:') client.allowInsecureRequests(config); // loopback only (settings)

  /** GET on GitHub's REST API (docs.github.com/rest: a User-Agent is required, the API version pinned). */
  async function api<T>(path: string, accessToken: string): Promise<T> {
    const response = await fetch(`${endpoints.apiUrl}${path}`, {
      headers: {
        authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'Gatehouse',
      },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (response.status >= 500) throw new TypeError(`GitHub answered ${response.status}`, { cause: response.status });
    if (!response.ok) throw new Error(`GitHub answered ${response.status} to ${path}`);
    return response.json() as Promise<T>;
  }

  return {
    async authorizationUrl(checks: LoginChecks) {
      return client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri, scope: provider.scopes.join(' '), state: checks.state,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier), code_challenge_method: 'S256',
      });
    },

    async finish(callbackUrl: URL, checks: LoginChecks): Promise<ExternalProfile> {
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state });
        const user = await api<GitHubUser>('/user', tokens.access_token);
        if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new Error('GitHub /user has no id');
        const emails = await api<GitHubEmail[]>('/user/emails', tokens.access_token);
        const primary = Array.isArray(emails) ? emails.find((entry) => entry.primary === true) : undefined;
        const email = claimedEmail(primary?.email) ?? claimedEmail(user.email);
        return {
          subject: String(user.id), email, emailVerified: email !== null && primary?.verified === true && claimedEmail(primary.email) === email,
          username: claimedText(user.login), name: claimedText(user.name),
        };
      } catch (error) {
        throw providerFailure(error, provider.name);
      }
    },
  };
}

// Checking an authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1) against its
// client (docs/architecture.md, "OpenID Connect provider"). The client and its redirect_uri are
// checked first and exactly: until both hold, a problem goes to an error page (RFC 6749 §4.1.2.1),
// never to a URI nobody vouched for; after that it goes back to the client.
import type { RegisteredClient } from './client-registry.js';

/** The parameters as a query or form carries them; a repeated one arrives as an array. */
export type AuthorizeParams = Record<string, unknown>;

export type Prompt = 'none' | 'login' | 'consent';

/** A checked request: what the rest of the flow (and the pending request, and the code) carries. */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  /** RFC 7636 S256 challenge; required of public clients. */
  codeChallenge?: string;
  prompt: Prompt[];
  maxAgeSeconds?: number;
  loginHint?: string;
  uiLocales?: string;
}

/** Where a refused request is answered: an error page (client or URI not trusted) or the client's redirect URI. */
export type AuthorizeProblem =
  | { to: 'page'; error: string; description: string }
  | { to: 'client'; error: string; description: string; redirectUri: string; state?: string };

export type AuthorizeCheck = { ok: true; client: RegisteredClient; request: AuthorizeRequest } | { ok: false; problem: AuthorizeProblem };

/** RFC 7636 §4.2: 43 base64url characters for S256. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const KNOWN_PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/** `findClient` answers null for an unknown client. */
export async function checkAuthorizeRequest(
  params: AuthorizeParams, findClient: (clientId: string) => Promise<RegisteredClient | null>,
): Promise<AuthorizeCheck> {
  const repeated = Object.entries(params).find(([, value]) => Array.isArray(value));
  const one = (name: string) => (typeof params[name] === 'string' && params[name] !== '' ? (params[name] as string) : undefined);
  const clientId = one('client_id');
  const page = (description: string): AuthorizeCheck => ({ ok: false, problem: { to: 'page', error: 'invalid_request', description } });
  if (repeated && (repeated[0] === 'client_id' || repeated[0] === 'redirect_uri')) return page(`${repeated[0]} is given more than once.`);
  if (!clientId || clientId.length > 128) return page('client_id is missing.');
  const client = await findClient(clientId);
  if (!client) return page('No client has this client_id.');
  const redirectUri = one('redirect_uri');
  // OpenID Connect Core §3.1.2.1 makes redirect_uri required; it must be one registered, character for character.
  if (!redirectUri) return page('redirect_uri is missing.');
  if (!client.redirectUris.includes(redirectUri)) return page('redirect_uri is not one registered for this client.');

  const state = one('state');
  const toClient = (error: string, description: string): AuthorizeCheck =>
    ({ ok: false, problem: { to: 'client', error, description, redirectUri, ...(state !== undefined && state.length <= 2048 ? { state } : {}) } });
  if (repeated) return toClient('invalid_request', `${repeated[0]} is given more than once.`);
  if (state !== undefined && state.length > 2048) return toClient('invalid_request', 'state is longer than 2048 characters.');
  if (params.request !== undefined) return toClient('request_not_supported', 'Request objects are not supported.');
  if (params.request_uri !== undefined) return toClient('request_uri_not_supported', 'request_uri is not supported.');
  if (one('response_type') === undefined) return toClient('invalid_request', 'response_type is missing.');
  if (one('response_type') !== 'code') return toClient('unsupported_response_type', 'Only response_type=code is supported.');
  if (!client.grantTypes.includes('authorization_code')) return toClient('unauthorized_client', 'This client is not registered for the authorization_code grant.');
  const responseMode = one('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') return toClient('invalid_request', 'Only response_mode=query is supported.');

  const scopes = scopesOf(one('scope'), client.scope);
  if (typeof scopes === 'string') return toClient('invalid_scope', scopes);
  const pkce = pkceOf(one('code_challenge'), one('code_challenge_method'), client.confidential);
  if ('problem' in pkce) return toClient('invalid_request', pkce.problem);
  const prompt = promptOf(one('prompt'));
  if (typeof prompt === 'string') return toClient('invalid_request', prompt);
  const maxAge = one('max_age');
  if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge)) return toClient('invalid_request', 'max_age must be a whole number of seconds.');
  const nonce = one('nonce');
  if (nonce !== undefined && nonce.length > 512) return toClient('invalid_request', 'nonce is longer than 512 characters.');
  const loginHint = one('login_hint');
  const uiLocales = one('ui_locales');
  return {
    ok: true, client,
    request: {
      clientId, redirectUri, scopes, prompt,
      ...(state !== undefined ? { state } : {}),
      ...(nonce !== undefined && scopes.includes('openid') ? { nonce } : {}),
      ...(pkce.challenge !== undefined ? { codeChallenge: pkce.challenge } : {}),
      ...(maxAge !== undefined ? { maxAgeSeconds: Number(maxAge) } : {}),
      ...(loginHint !== undefined && loginHint.length <= 254 ? { loginHint } : {}),
      ...(uiLocales !== undefined && uiLocales.length <= 64 ? { uiLocales } : {}),
    },
  };
}

/** The scope values asked for, each registered for the client; none asked: all it registered but offline_access. */
/**
 * Scopes OpenID Connect defines whose claims Gatehouse does not hold: ignored, as OpenID Connect
 * Core §5.4 and §3.1.2.1 ask of values a provider does not understand (docs/oidc.md, "Conformance").
 * Any other scope the client is not registered for is refused (RFC 6749 §3.3).
 */
const UNHELD_OIDC_SCOPES: readonly string[] = ['address', 'phone'];

function scopesOf(asked: string | undefined, registered: string): string[] | string {
  const allowed = registered.split(' ').filter(Boolean);
  if (asked === undefined) return allowed.filter((value) => value !== 'offline_access');
  const values = [...new Set(asked.split(' ').filter((value) => value !== '' && !UNHELD_OIDC_SCOPES.includes(value)))];
  const refused = values.find((value) => !allowed.includes(value));
  if (refused !== undefined) return `The scope "${refused.slice(0, 64)}" is not registered for this client.`;
  if (values.length === 0) return 'scope is empty.';
  return values;
}

/** S256 only (RFC 9700 §2.1.1: plain is refused); required of public clients (RFC 7636, RFC 8252 §8.1). */
function pkceOf(challenge: string | undefined, method: string | undefined, confidential: boolean): { challenge?: string } | { problem: string } {
  if (challenge === undefined) {
    if (method !== undefined) return { problem: 'code_challenge_method without code_challenge.' };
    return confidential ? {} : { problem: 'A public client must send a PKCE code_challenge (S256).' };
  }
  if (method !== 'S256') return { problem: 'code_challenge_method must be S256 (plain is not accepted).' };
  if (!S256_CHALLENGE.test(challenge)) return { problem: 'code_challenge must be 43 base64url characters (RFC 7636 §4.2).' };
  return { challenge };
}

/** OpenID Connect Core §3.1.2.1: space-separated; none stands alone; select_account is accepted and has no effect (one account per browser). */
function promptOf(text: string | undefined): Prompt[] | string {
  const values = [...new Set((text ?? '').split(' ').filter(Boolean))];
  const unknown = values.find((value) => !KNOWN_PROMPTS.has(value));
  if (unknown !== undefined) return `prompt "${unknown.slice(0, 32)}" is not one of none, login, consent, select_account.`;
  if (values.includes('none') && values.length > 1) return 'prompt=none cannot be combined with other values.';
  return values.filter((value): value is Prompt => value !== 'select_account');
}

/** The URI a redirect goes to: the registered one with the answer's parameters added (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export function clientRedirect(redirectUri: string, answer: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(answer)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

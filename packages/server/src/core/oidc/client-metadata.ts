// Checking a relying party's RFC 7591 metadata, for a registration through the admin API and for a
// client declared in OIDC_CLIENTS alike: redirect URIs are absolute and match exactly (no
// wildcards, no fragment; plain http only for loopback, RFC 8252 §7.3), a public client (`none`)
// must use PKCE and cannot use client_credentials. Problems are MetadataProblem, which each caller
// words as its own (a 400 with a code, or one line naming the setting).
import type { ClientGrantType, ClientMetadata, TokenEndpointAuthMethod } from '../../storage/types/oauth-clients.js';

export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
export const GRANT_TYPES: readonly ClientGrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
export const DEFAULT_SCOPE = 'openid profile email';
/** RFC 3986 unreserved characters: the id goes through HTTP Basic and form bodies unchanged. */
export const CLIENT_ID_PATTERN = '^[A-Za-z0-9._~-]{1,128}$';
/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

export class MetadataProblem extends Error {
  constructor(readonly code: 'invalid_redirect_uri' | 'invalid_client_metadata', message: string) {
    super(message);
    this.name = 'MetadataProblem';
  }
}

/** The metadata as a registration sends it (RFC 7591 names); absent fields take their defaults. */
export interface ClientMetadataInput {
  client_name?: unknown;
  redirect_uris?: unknown;
  post_logout_redirect_uris?: unknown;
  token_endpoint_auth_method?: unknown;
  grant_types?: unknown;
  scope?: unknown;
  skip_consent?: unknown;
}

/** Checked metadata with defaults applied; throws MetadataProblem naming the first field at fault. */
export function checkClientMetadata(input: ClientMetadataInput): ClientMetadata {
  const method = oneOf(input.token_endpoint_auth_method ?? 'client_secret_basic', AUTH_METHODS, 'token_endpoint_auth_method');
  const grantTypes = listOf(input.grant_types ?? ['authorization_code'], 'grant_types').map((g) => oneOf(g, GRANT_TYPES, 'grant_types'));
  if (grantTypes.length === 0) throw problem('grant_types must name at least one grant');
  if (method === 'none' && grantTypes.includes('client_credentials')) {
    throw problem('a public client (token_endpoint_auth_method none) cannot use client_credentials: it has no secret');
  }
  const redirectUris = listOf(input.redirect_uris ?? [], 'redirect_uris').map((uri) => checkRedirectUri(uri, 'redirect_uris'));
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw new MetadataProblem('invalid_redirect_uri', 'redirect_uris must list at least one URI for the authorization_code grant');
  }
  const postLogout = listOf(input.post_logout_redirect_uris ?? [], 'post_logout_redirect_uris')
    .map((uri) => checkRedirectUri(uri, 'post_logout_redirect_uris'));
  return {
    clientName: text(input.client_name ?? '', 'client_name', 255),
    redirectUris: unique(redirectUris), postLogoutRedirectUris: unique(postLogout),
    tokenEndpointAuthMethod: method, grantTypes: unique(grantTypes),
    scope: checkScope(input.scope ?? DEFAULT_SCOPE), skipConsent: flag(input.skip_consent ?? false, 'skip_consent'),
  };
}

/** An absolute https URI, or http on a loopback host; no fragment (RFC 6749 §3.1.2), compared exactly later. */
export function checkRedirectUri(value: unknown, field: string): string {
  const uri = text(value, field, 2000);
  if (!URL.canParse(uri)) throw new MetadataProblem('invalid_redirect_uri', `${field}: "${uri}" is not an absolute URI`);
  const url = new URL(uri);
  if (url.hash || uri.includes('#')) throw new MetadataProblem('invalid_redirect_uri', `${field}: "${uri}" has a fragment`);
  if (url.username || url.password) throw new MetadataProblem('invalid_redirect_uri', `${field}: "${uri}" carries credentials`);
  if (uri.includes('*')) throw new MetadataProblem('invalid_redirect_uri', `${field}: "${uri}": wildcards are not allowed; list each URI`);
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new MetadataProblem('invalid_redirect_uri', `${field}: "${uri}" must be https (plain http only on 127.0.0.1, [::1] or localhost)`);
  }
  return uri;
}

function checkScope(value: unknown): string {
  const tokens = text(value, 'scope', 1000).split(' ').filter(Boolean);
  const bad = tokens.find((token) => !SCOPE_TOKEN.test(token));
  if (bad !== undefined) throw problem(`scope: "${bad}" is not a scope value (RFC 6749 §3.3)`);
  return unique(tokens).join(' ');
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw problem(`${field}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
}

function listOf(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw problem(`${field} must be an array`);
  if (value.length > 50) throw problem(`${field} lists more than 50 values`);
  return value;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) {
    throw problem(`${field} must be a string of at most ${max} characters without control characters`);
  }
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw problem(`${field} must be true or false`);
  return value;
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const problem = (message: string) => new MetadataProblem('invalid_client_metadata', message);

// How long the remote JWKS source waits before it refetches for an unknown kid. In a file of its own,
// free of imports, so the server can time its key rotation by it without loading jose.
/**
 * After a JWKS fetch, how long an unknown kid waits before it may trigger another (jose's default).
 * The server publishes a new key this long, plus its JWKS max-age, before signing with it.
 */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

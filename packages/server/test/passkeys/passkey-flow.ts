// The passkey ceremonies through app.inject with a software authenticator: what several test
// files need (register a passkey for a user, ask for login options, verify a response).
import type { FastifyInstance } from 'fastify';
import { bearer } from '../helpers.js';
import { SoftAuthenticator } from './soft-authenticator.js';

/** The relying party of a test app: PUBLIC_URL's default, http://localhost:3000. */
export const TEST_ORIGIN = 'http://localhost:3000';
export const TEST_RP_ID = 'localhost';

export const newAuthenticator = (startCounter = 0) => new SoftAuthenticator(TEST_ORIGIN, TEST_RP_ID, startCounter);

export async function registrationOptions(app: FastifyInstance, accessToken: string) {
  const res = await app.inject({ method: 'POST', url: '/users/me/passkeys/options', headers: bearer(accessToken) });
  if (res.statusCode !== 200) throw new Error(`options failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function submitRegistration(app: FastifyInstance, accessToken: string, payload: object) {
  return app.inject({ method: 'POST', url: '/users/me/passkeys', headers: bearer(accessToken), payload });
}

/**
 * Registers a passkey of `authenticator` for the user of `accessToken`; answers the stored passkey
 * and, as `token`, the access token of the caller's new session (adding one ends the others:
 * docs/architecture.md, "Changing a way in").
 */
export async function addPasskey(app: FastifyInstance, accessToken: string, authenticator: SoftAuthenticator, name?: string) {
  const options = await registrationOptions(app, accessToken);
  const res = await submitRegistration(app, accessToken, { response: authenticator.create(options), ...(name ? { name } : {}) });
  if (res.statusCode !== 201) throw new Error(`registration failed: ${res.statusCode} ${res.body}`);
  const { access_token: token, refresh_token: _r, token_type: _t, expires_in: _e, refresh_expires_in: _x, ...passkey } = res.json() as Record<string, unknown>;
  return { ...(passkey as { id: string; name: string }), token: token as string };
}

/** Signs in with the newest passkey of `authenticator`: a session whose amr covers the account's passkeys. Answers its access token. */
export async function passkeySignIn(app: FastifyInstance, authenticator: SoftAuthenticator): Promise<string> {
  const res = await verifyLogin(app, authenticator.get(await loginOptions(app), { credential: authenticator.credentials.at(-1) }));
  if (res.statusCode !== 200) throw new Error(`passkey sign-in failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

export async function loginOptions(app: FastifyInstance, username?: string) {
  const res = await app.inject({ method: 'POST', url: '/auth/passkey/options', payload: username === undefined ? {} : { username } });
  if (res.statusCode !== 200) throw new Error(`login options failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function verifyLogin(app: FastifyInstance, response: object) {
  return app.inject({ method: 'POST', url: '/auth/passkey/verify', payload: { response } });
}

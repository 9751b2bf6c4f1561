// Passkeys in the client: register one for the signed-in user, sign in with one (with a username,
// or none for a discoverable passkey), re-authenticate with one, and list, rename or delete them. The ceremony runs in the
// browser's own WebAuthn API (navigator.credentials); no library is needed for the rest.
import type { AuthFetch } from './auth-fetch.js';
import type { ClientContext } from './create-auth-client.js';
import { AuthClientError, errorFromResponse } from './errors.js';
import { jsonInit, keepNewPair, keepTokens, postJson } from './requests.js';
import type { SessionInfo, TokenPairBody } from './tokens.js';
import {
  authenticationJSON, creationOptions, registrationJSON, requestOptions, type CreationOptionsJSON, type RequestOptionsJSON,
} from './webauthn-json.js';

export interface Passkey {
  id: string;
  name: string;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
  transports: string[];
  created_at: string;
  last_used_at: string | null;
}

function credentialsApi(): CredentialsContainer {
  const credentials = globalThis.navigator?.credentials;
  if (!credentials || typeof globalThis.PublicKeyCredential === 'undefined') {
    throw new AuthClientError('webauthn_unavailable', 0, 'This browser offers no WebAuthn (passkeys need a secure context: https or localhost).');
  }
  return credentials;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

/** Asks the browser for a new passkey and stores it on the server; `name` labels it in lists. */
export async function registerPasskey(ctx: ClientContext, authFetch: AuthFetch, name?: string): Promise<Passkey> {
  const options = await json<CreationOptionsJSON>(await authFetch(ctx.endpoint('/users/me/passkeys/options'), jsonInit({})));
  const credential = await credentialsApi().create({ publicKey: creationOptions(options) }) as PublicKeyCredential | null;
  if (!credential) throw new AuthClientError('webauthn_cancelled', 0, 'No passkey was created.');
  const body = { response: registrationJSON(credential), ...(name ? { name } : {}) };
  return keepNewPair(ctx, await json<Passkey>(await authFetch(ctx.endpoint('/users/me/passkeys'), jsonInit(body))));
}

/** Signs in with a passkey: of that account with a username, else any this device holds for the site. */
export async function loginWithPasskey(ctx: ClientContext, input: { username?: string } = {}): Promise<SessionInfo> {
  const body = input.username ? { username: input.username } : {};
  const options = (await (await postJson(ctx, '/auth/passkey/options', body)).json()) as RequestOptionsJSON;
  const credential = await credentialsApi().get({ publicKey: requestOptions(options) }) as PublicKeyCredential | null;
  if (!credential) throw new AuthClientError('webauthn_cancelled', 0, 'No passkey was chosen.');
  const response = await postJson(ctx, '/auth/passkey/verify', { response: authenticationJSON(credential) });
  return keepTokens(ctx, (await response.json()) as TokenPairBody, 'login');
}

/** Proves a recent sign-in with one of the signed-in user's passkeys; the new session's pair is kept. */
export async function reauthenticateWithPasskey(ctx: ClientContext, authFetch: AuthFetch): Promise<SessionInfo> {
  const options = await json<RequestOptionsJSON>(await authFetch(ctx.endpoint('/auth/reauthenticate/passkey/options'), jsonInit({})));
  const credential = await credentialsApi().get({ publicKey: requestOptions(options) }) as PublicKeyCredential | null;
  if (!credential) throw new AuthClientError('webauthn_cancelled', 0, 'No passkey was chosen.');
  const body = { passkey: authenticationJSON(credential) };
  return keepTokens(ctx, await json<TokenPairBody>(await authFetch(ctx.endpoint('/auth/reauthenticate'), jsonInit(body))), 'reauthenticated');
}

export async function listPasskeys(ctx: ClientContext, authFetch: AuthFetch): Promise<Passkey[]> {
  return (await json<{ passkeys: Passkey[] }>(await authFetch(ctx.endpoint('/users/me/passkeys')))).passkeys;
}

export async function renamePasskey(ctx: ClientContext, authFetch: AuthFetch, id: string, name: string): Promise<Passkey> {
  const init = { ...jsonInit({ name }), method: 'PATCH' };
  return json<Passkey>(await authFetch(ctx.endpoint(`/users/me/passkeys/${encodeURIComponent(id)}`), init));
}

export async function deletePasskey(ctx: ClientContext, authFetch: AuthFetch, id: string): Promise<void> {
  const response = await authFetch(ctx.endpoint(`/users/me/passkeys/${encodeURIComponent(id)}`), { method: 'DELETE' });
  if (!response.ok) throw await errorFromResponse(response);
  await keepNewPair(ctx, (await response.json()) as object);
}

// Options for signing in with a passkey (supabase/auth passkey_authentication.go, first step).
// Without a username: discoverable credentials, the authenticator offers its own. With one: that
// user's credentials, and for a name that has none (unknown, or no passkey) a decoy credential
// derived from the name (its id's length and its transports too, as real ones vary), so the answer
// looks alike and is the same each time: options tell nobody whether an account exists.
import { createHmac, randomUUID } from 'node:crypto';
import { webauthn } from './webauthn.js';
import type { RequestContext } from '../context.js';
import { loginKey } from '../accounts/user-rules.js';
import type { Challenges } from './challenges.js';
import { CEREMONY_SECONDS, type PasskeyDeps } from './passkey-deps.js';

/** Transports as authenticators report them (sorted, as getTransports() answers): platform, phone, security keys. */
const DECOY_TRANSPORTS: readonly string[][] = [
  ['hybrid', 'internal'], ['internal'], ['hybrid', 'internal'], ['usb'], ['nfc', 'usb'], ['hybrid', 'usb'], ['ble', 'hybrid', 'internal'],
];
/** Credential id lengths in bytes that common authenticators make (platform keys 16–32, security keys 48–64). */
const DECOY_ID_BYTES = [16, 20, 32, 32, 48, 64];

/** A lookalike credential for a name without passkeys: every part drawn from an HMAC of the name. */
function decoyFor(decoyKey: Buffer, key: string): { id: string; transports: string[] } {
  const digest = (label: string) => createHmac('sha256', decoyKey).update(`${label}\0${key}`).digest();
  const pick = digest('shape');
  const length = DECOY_ID_BYTES[pick[0]! % DECOY_ID_BYTES.length]!;
  const id = Buffer.concat([digest('id'), digest('id+')]).subarray(0, length).toString('base64url');
  return { id, transports: [...DECOY_TRANSPORTS[pick[1]! % DECOY_TRANSPORTS.length]!] };
}

export function createAuthenticationOptions(deps: PasskeyDeps, challenges: Challenges) {
  const { users, passkeys, limits, settings, decoyKey } = deps;

  /** allowCredentials for a username, and whom the challenge binds (a random id matches no one). */
  async function allowedFor(username: string) {
    const key = loginKey(username);
    const user = await users.findByLogin(key);
    const owned = user ? await passkeys.listForUser(user.id) : [];
    const allow = owned.length > 0
      ? owned.map((p) => ({ id: p.credentialId, transports: p.transports }))
      : [decoyFor(decoyKey, key)];
    return { allow, userId: user?.id ?? randomUUID() };
  }

  async function optionsBoundTo(bound: { allow: Array<{ id: string; transports: string[] }>; userId: string } | undefined) {
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: settings.rpId, timeout: CEREMONY_SECONDS * 1000, userVerification: 'required', allowCredentials: bound?.allow ?? [],
    });
    await challenges.store(options.challenge, 'authentication', bound?.userId ?? null);
    return options;
  }

  return {
    /** A login's options: by username, or for discoverable credentials. */
    async authenticationOptions(input: { username?: string }, ctx: RequestContext) {
      await limits.consume('credentialsPerIp', ctx.ipKey); // each call stores a challenge
      return optionsBoundTo(input.username === undefined ? undefined : await allowedFor(input.username));
    },

    /** Options for a user already known (re-authentication): their own passkeys. */
    async optionsForUser(userId: string) {
      const owned = await passkeys.listForUser(userId);
      return optionsBoundTo({ allow: owned.map((p) => ({ id: p.credentialId, transports: p.transports })), userId });
    },
  };
}

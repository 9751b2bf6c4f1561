// Registering a passkey, in two steps (supabase/auth passkey_registration.go): options with a
// stored challenge, then the browser's response verified against it and the credential kept.
// The WebAuthn user handle is the user's id: no name or address goes into the authenticator's handle.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { webauthn } from './webauthn.js';
import { v7 as uuidv7 } from 'uuid';
import { auditOrigin, failureReason } from '../audit.js';
import type { RequestContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { Challenges } from './challenges.js';
import { hashToken, sameHash } from '../tokens/secret-hash.js';
import { CEREMONY_SECONDS, MAX_PASSKEYS_PER_USER, type PasskeyDeps } from './passkey-deps.js';
import { DuplicatePasskeyError } from '../../storage/errors.js';
import type { PasskeyRecord } from '../../storage/types/passkeys.js';
import type { UserRecord } from '../../storage/types/stores.js';

export interface PasskeyRegistration {
  response: RegistrationResponseJSON;
  name?: string;
}

export function createPasskeyRegistration(deps: PasskeyDeps, challenges: Challenges) {
  const { passkeys, settings, clock, audit } = deps;

  /** Checked for the options and again at registration: options asked for while there was room may be many. */
  function requireRoom(count: number): void {
    if (count >= MAX_PASSKEYS_PER_USER) {
      throw new AuthError('passkey_limit_reached', `An account holds at most ${MAX_PASSKEYS_PER_USER} passkeys: delete one first.`);
    }
  }

  async function options(user: UserRecord) {
    const existing = await passkeys.listForUser(user.id);
    requireRoom(existing.length);
    const options = await (await webauthn()).generateRegistrationOptions({
      rpName: settings.rpName, rpID: settings.rpId,
      userID: new TextEncoder().encode(user.id), userName: user.username, userDisplayName: user.fullName ?? user.username,
      timeout: CEREMONY_SECONDS * 1000, attestationType: 'none',
      // The authenticator keeps the credential (a discoverable one: login without a username) and
      // checks who holds it: a passkey is then a login by itself (docs/architecture.md, "Factors").
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    });
    await challenges.store(options.challenge, 'registration', user.id);
    return options;
  }

  /** register, with an audit event for a failure (success is audited inside). */
  async function auditedRegister(user: UserRecord, input: PasskeyRegistration, ctx: RequestContext): Promise<PasskeyRecord> {
    try {
      return await register(user, input, ctx);
    } catch (error) {
      audit({ type: 'passkey_failed', purpose: 'register', reason: failureReason(error), userId: user.id, ...auditOrigin(ctx) });
      throw error;
    }
  }

  async function register(user: UserRecord, input: PasskeyRegistration, ctx: RequestContext): Promise<PasskeyRecord> {
    const record = await challenges.consume(input.response.response.clientDataJSON, 'registration');
    if (record.userId !== user.id) throw new AuthError('passkey_challenge_invalid', 'These passkey options were made for another account.');
    const info = await verified(input.response, record.challengeHash);
    const count = (await passkeys.listForUser(user.id)).length;
    requireRoom(count);
    const passkey: PasskeyRecord = {
      id: uuidv7(), userId: user.id, credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'), counter: info.credential.counter,
      transports: (input.response.response.transports ?? []).filter((t) => /^[a-z-]{1,16}$/.test(t)).slice(0, 8),
      deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp,
      name: input.name ?? `Passkey ${count + 1}`, createdAt: new Date(clock.now()), lastUsedAt: null,
    };
    try {
      await passkeys.create(passkey);
    } catch (error) {
      if (error instanceof DuplicatePasskeyError) throw new AuthError('passkey_already_registered', 'This passkey is registered already.');
      throw error;
    }
    audit({ type: 'passkey_registered', passkeyId: passkey.id, userId: user.id, ...auditOrigin(ctx) });
    return passkey;
  }

  async function verified(response: RegistrationResponseJSON, challengeHash: string) {
    const result = await (await webauthn()).verifyRegistrationResponse({
      response, expectedChallenge: (challenge) => sameHash(hashToken(challenge), challengeHash),
      expectedOrigin: [...settings.origins], expectedRPID: settings.rpId, requireUserVerification: true,
    }).catch((cause: unknown) => {
      throw new AuthError('passkey_registration_failed', 'The passkey response does not verify (origin, relying party, user verification or format).', { cause });
    });
    if (!result.verified) throw new AuthError('passkey_registration_failed', 'The passkey response does not verify.');
    return result.registrationInfo;
  }

  return { options, register: auditedRegister };
}

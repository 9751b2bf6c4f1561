// Checking a passkey assertion, shared by the passkey login and re-authentication (a passkey is
// never the second step of another login: it is a whole multi-factor login itself). The challenge
// is consumed first (one try per response), the credential must belong to the user the ceremony
// was for, the signature and user verification must hold, and the signature counter must grow
// where the authenticator keeps one (WebAuthn §6.1.1: else it was cloned).
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { webauthn } from './webauthn.js';
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { Challenges } from './challenges.js';
import { hashToken, sameHash } from '../tokens/secret-hash.js';
import type { PasskeyDeps } from './passkey-deps.js';
import type { PasskeyRecord } from '../../storage/types/passkeys.js';
import type { UserRecord } from '../../storage/types/stores.js';

export interface VerifiedAssertion {
  user: UserRecord;
  passkey: PasskeyRecord;
}

export type VerifyAssertion = (response: AuthenticationResponseJSON, ctx: RequestContext, forUserId?: string) => Promise<VerifiedAssertion>;

export function createAssertionCheck(deps: PasskeyDeps, challenges: Challenges): VerifyAssertion {
  const { users, passkeys, settings, clock, audit } = deps;
  const unknown = () => new AuthError('passkey_unknown_credential', 'This passkey is not registered for this account.');

  async function ownedPasskey(response: AuthenticationResponseJSON, boundUserId: string | null, forUserId?: string) {
    const passkey = await passkeys.findByCredentialId(response.id);
    if (!passkey) throw unknown();
    // A credential of one user never signs another in: the named user, the session's user, and
    // the handle the authenticator keeps with the credential must all be its owner.
    if ((boundUserId !== null && passkey.userId !== boundUserId) || (forUserId !== undefined && passkey.userId !== forUserId)) throw unknown();
    const handle: unknown = response.response.userHandle;
    if (typeof handle === 'string' && handle !== '' && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) throw unknown();
    return passkey;
  }

  async function verifiedCounter(response: AuthenticationResponseJSON, passkey: PasskeyRecord, challengeHash: string) {
    const result = await (await webauthn()).verifyAuthenticationResponse({
      response, expectedChallenge: (challenge) => sameHash(hashToken(challenge), challengeHash),
      expectedOrigin: [...settings.origins], expectedRPID: settings.rpId, requireUserVerification: true,
      // The counter is compared below, after the signature: only a genuine signature can tell a clone.
      credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: 0, transports: passkey.transports },
    }).catch((cause: unknown) => {
      throw new AuthError('passkey_authentication_failed', 'The passkey response does not verify (signature, origin, relying party or user verification).', { cause });
    });
    if (!result.verified) throw new AuthError('passkey_authentication_failed', 'The passkey response does not verify.');
    return result.authenticationInfo.newCounter;
  }

  return async function verifyAssertion(response, ctx, forUserId) {
    const record = await challenges.consume(response.response.clientDataJSON, 'authentication');
    const passkey = await ownedPasskey(response, record.userId, forUserId);
    const counter = await verifiedCounter(response, passkey, record.challengeHash);
    const grew = counter > passkey.counter || (counter === 0 && passkey.counter === 0);
    if (!grew || !(await passkeys.recordUse(passkey.id, counter, new Date(clock.now())))) {
      audit({ type: 'passkey_clone_detected', passkeyId: passkey.id, storedCounter: passkey.counter, receivedCounter: counter,
        userId: passkey.userId, ...auditOrigin(ctx) });
      throw new AuthError('passkey_cloned', 'This passkey\'s signature counter went backwards: it may have been copied, so it is refused.');
    }
    const user = await users.findById(passkey.userId);
    if (!user) throw unknown();
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    return { user, passkey: { ...passkey, counter, lastUsedAt: new Date(clock.now()) } };
  };
}

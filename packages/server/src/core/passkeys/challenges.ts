// The challenges of WebAuthn ceremonies (docs/architecture.md, "Factors"): options store one,
// hashed, for five minutes; a response names its challenge in clientDataJSON, and verifying takes
// it out of the store first, so a response is checked at most once, whatever its outcome.
import { AuthError } from '../errors.js';
import { hashToken } from '../tokens/secret-hash.js';
import { CEREMONY_SECONDS, type PasskeyDeps } from './passkey-deps.js';
import type { WebAuthnCeremony, WebAuthnChallengeRecord } from '../../storage/types/passkeys.js';

export function createChallenges({ challenges, clock }: Pick<PasskeyDeps, 'challenges' | 'clock'>) {
  return {
    /** Stores the challenge options carry (base64url, as the library made it) for `userId`. */
    async store(challenge: string, ceremony: WebAuthnCeremony, userId: string | null): Promise<void> {
      const now = clock.now(); // expired challenges are deleted by the sweeper (jobs/sweeper.ts)
      await challenges.create({
        challengeHash: hashToken(challenge), ceremony, userId,
        createdAt: new Date(now), expiresAt: new Date(now + CEREMONY_SECONDS * 1000),
      });
    },

    /** The stored challenge a response's clientDataJSON names, taken out of the store. */
    async consume(clientDataJSON: string, ceremony: WebAuthnCeremony): Promise<WebAuthnChallengeRecord> {
      const challenge = challengeOf(clientDataJSON);
      const record = challenge === undefined ? null : await challenges.consume(hashToken(challenge), ceremony, new Date(clock.now()));
      if (!record) throw new AuthError('passkey_challenge_invalid', 'The passkey challenge is unknown, used or expired: ask for new options.');
      return record;
    },
  };
}

export type Challenges = ReturnType<typeof createChallenges>;

function challengeOf(clientDataJSON: string): string | undefined {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && data.challenge.length <= 512 ? data.challenge : undefined;
  } catch {
    return undefined;
  }
}

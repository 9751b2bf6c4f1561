// A new account from a provider's answer: a valid username made from its claims (preferred
// username, GitHub login, the email's local part) and made unique with a short random suffix, the
// provider's email, which the provider must say it verified (an unverified one would let anyone
// hold an address before its owner: docs/federation.md, "Linking rules"), its name, and no
// password (core/passwords/no-password.ts).
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { AuthError } from '../errors.js';
import type { Clock } from '../clock.js';
import { CONTROL_CHARACTERS, FULL_NAME_MAX_LENGTH } from '../accounts/user-rules.js';
import { NO_PASSWORD_HASH } from '../passwords/no-password.js';
import type { ExternalProfile } from './provider-client.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { UserRecord, UserStore } from '../../storage/types/stores.js';

const ATTEMPTS = 5;
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`, 'gu');

export async function createFederatedAccount(deps: { users: UserStore; clock: Clock }, profile: ExternalProfile): Promise<UserRecord> {
  if (!profile.emailVerified) {
    throw new AuthError('provider_email_unverified', 'The provider has not verified this email address: verify it there, or sign up here and link the provider.');
  }
  const base = usernameBase(profile);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const username = attempt === 0 ? base : `${base.slice(0, 27)}-${randomBytes(2).toString('hex')}`;
    try {
      return await deps.users.create({
        id: uuidv7(), username, email: profile.email!, emailVerified: profile.emailVerified, passwordHash: NO_PASSWORD_HASH, fullName: fullName(profile.name),
        role: 'user', disabled: false, createdAt: new Date(deps.clock.now()),
      });
    } catch (error) {
      if (!(error instanceof DuplicateUserError)) throw error;
      if (error.field === 'email') throw new AuthError('account_exists', 'An account with this email exists: log in to it, then link this provider.');
    }
  }
  throw new AuthError('federation_failed', 'No free username could be made from the provider\'s answer.');
}

/** 3–32 of the username alphabet (core/accounts/user-rules.ts) from the first claim that has any. */
export function usernameBase(profile: Pick<ExternalProfile, 'username' | 'email' | 'name'>): string {
  const sources = [profile.username, profile.email?.split('@')[0], profile.name];
  for (const source of sources) {
    const cleaned = (source ?? '').normalize('NFKD').replace(/[^A-Za-z0-9_.-]+/g, '').slice(0, 32);
    if (cleaned.length >= 3) return cleaned;
    if (cleaned.length > 0) return `${cleaned}_user`.slice(0, 32);
  }
  return 'user';
}

function fullName(name: string | null): string | null {
  const cleaned = name?.replace(CONTROL, '').trim();
  return cleaned ? [...cleaned].slice(0, FULL_NAME_MAX_LENGTH).join('') : null;
}

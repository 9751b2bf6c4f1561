// Creating and disabling accounts: shared by registration, the CLI and (later) the admin API.
import { v7 as uuidv7 } from 'uuid';
import { AuthError } from '../errors.js';
import { checkPasswordPolicy } from '../passwords/policy.js';
import { loginKey, normalizeEmail, normalizeFullName, normalizeUsername } from './user-rules.js';
import type { Clock } from '../clock.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { BreachedPasswords } from '../passwords/breached.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { SessionStore, UserRecord, UserStore } from '../../storage/types/stores.js';

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  fullName?: string | null;
  role?: string;
}

/**
 * Validates, hashes and stores a new user. Taken names answer 409 naming the field. `source` is
 * the client's IP address, for its share of the hash queue.
 */
export async function createAccount(
  deps: { users: UserStore; hasher: PasswordHasher; clock: Clock; breachedPasswords?: BreachedPasswords }, input: NewAccount, source?: string,
): Promise<UserRecord> {
  const username = normalizeUsername(input.username);
  const email = normalizeEmail(input.email);
  const fullName = normalizeFullName(input.fullName);
  checkPasswordPolicy(input.password, { username, email });
  await deps.breachedPasswords?.refuseIfBreached(input.password); // only when PWNED_PASSWORDS_URL is set
  // Cheap early answers; the unique indexes below stay the real guard against races.
  if (await deps.users.findByLogin(loginKey(username))) throw taken('username');
  if (await deps.users.findByLogin(email)) throw taken('email');
  const passwordHash = await deps.hasher.hash(input.password, source);
  try {
    return await deps.users.create({
      id: uuidv7(), username, email, passwordHash, fullName,
      role: input.role ?? 'user', disabled: false, emailVerified: false, createdAt: new Date(deps.clock.now()),
    });
  } catch (error) {
    if (error instanceof DuplicateUserError) throw taken(error.field);
    throw error;
  }
}

/** Disables (or re-enables) a user; disabling ends every session at once. */
export async function setAccountDisabled(
  deps: { users: UserStore; sessions: SessionStore; clock: Clock }, userId: string, disabled: boolean,
): Promise<UserRecord> {
  const now = new Date(deps.clock.now());
  const user = await deps.users.update(userId, { disabled }, now);
  if (!user) throw new AuthError('user_not_found', 'No such user.');
  if (disabled) await deps.sessions.revokeAllForUser(userId, now);
  return user;
}

function taken(field: 'username' | 'email'): AuthError {
  return field === 'username'
    ? new AuthError('username_taken', 'This username is taken.')
    : new AuthError('email_taken', 'This email is already registered.');
}

// Creating and disabling accounts: shared by registration, the CLI and (later) the admin API.
import { v7 as uuidv7 } from 'uuid';
import { AuthError } from '../errors.js';
import { checkPasswordPolicy } from '../passwords/policy.js';
import { loginKey, normalizeEmail, normalizeFullName, normalizeUsername } from './user-rules.js';
import type { Clock } from '../clock.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { BreachedPasswords } from '../passwords/breached.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { NewUser, SessionStore, UserRecord, UserStore } from '../../storage/types/stores.js';

type AccountDeps = { users: UserStore; hasher: PasswordHasher; clock: Clock; breachedPasswords?: BreachedPasswords };

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
export async function createAccount(deps: AccountDeps, input: NewAccount, source?: string): Promise<UserRecord> {
  const user = await prepareAccount(deps, input, { source, emailMayBeTaken: false });
  try {
    return await deps.users.create(user);
  } catch (error) {
    throw takenOr(error);
  }
}

/**
 * The new user, validated and hashed, not yet stored. With `emailMayBeTaken` a taken address is
 * left for the caller to handle (registration under EMAIL_VERIFICATION=required tells nobody).
 */
export async function prepareAccount(
  deps: AccountDeps, input: NewAccount, options: { source?: string; emailMayBeTaken: boolean },
): Promise<NewUser> {
  const username = normalizeUsername(input.username);
  const email = normalizeEmail(input.email);
  const fullName = normalizeFullName(input.fullName);
  checkPasswordPolicy(input.password, { username, email });
  await deps.breachedPasswords?.refuseIfBreached(input.password); // only when PWNED_PASSWORDS_URL is set
  // Cheap early answers; the unique indexes stay the real guard against races.
  if (await deps.users.findByLogin(loginKey(username))) throw taken('username');
  if (!options.emailMayBeTaken && (await deps.users.findByLogin(email))) throw taken('email');
  const passwordHash = await deps.hasher.hash(input.password, options.source);
  return {
    id: uuidv7(), username, email, passwordHash, fullName,
    role: input.role ?? 'user', disabled: false, emailVerified: false, createdAt: new Date(deps.clock.now()),
  };
}

/** A unique-index clash as the 409 naming its field; anything else as it is. */
export function takenOr(error: unknown): unknown {
  return error instanceof DuplicateUserError ? taken(error.field) : error;
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

// What a valid username and email look like, the one key a login is looked up and throttled by,
// and the public view of a user (never the hash).
import { AuthError } from '../errors.js';
import type { UserRecord } from '../../storage/types/stores.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
// A practical subset of RFC 5322 addr-spec (the WHATWG "valid e-mail address" rule), with a dot
// in the domain and the RFC 5321 §4.5.3.1 length limits.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * Unicode's control characters (Cc: C0, DEL and C1), as a character-class body shared with the
 * HTTP schemas (http/schemas.ts NO_CONTROL_CHARS). No free-text field may hold one: PostgreSQL
 * refuses NUL in text outright, and the others have no place in a name or a log line.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f';
const CONTROL_CHARACTER = new RegExp(`[${CONTROL_CHARACTERS}]`, 'u');
export const FULL_NAME_MAX_LENGTH = 255;

/** Lowers A–Z only: usernames and emails are ASCII, so no other character may fold onto one. */
const lowerAscii = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/**
 * The key a login (username or email) is looked up by and throttled by: trimmed, A–Z lowered,
 * nothing else. Stores compare it byte for byte (a binary collation on MySQL), so a spelling
 * that reaches an account is exactly a spelling that shares its lockout: an accent or a Unicode
 * case fold (the Kelvin sign lowers to "k") reaches no account at all.
 */
export function loginKey(login: string): string {
  return lowerAscii(login.trim());
}

export function normalizeUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw new AuthError('invalid_username', 'The username must be 3 to 32 letters, digits, "_", "." or "-".');
  }
  return username;
}

export function normalizeEmail(email: string): string {
  const lowered = loginKey(email);
  const [local = ''] = lowered.split('@');
  if (lowered.length > 254 || local.length > 64 || !EMAIL.test(lowered)) {
    throw new AuthError('invalid_email', 'The email address is not valid.');
  }
  return lowered;
}

/** A full name as given (the column is varchar(255)), or null; refused before any hashing. */
export function normalizeFullName(fullName: string | null | undefined): string | null {
  if (fullName === undefined || fullName === null) return null;
  if (CONTROL_CHARACTER.test(fullName) || [...fullName].length > FULL_NAME_MAX_LENGTH) {
    throw new AuthError('validation_failed', `The full name must be at most ${FULL_NAME_MAX_LENGTH} characters, none of them a control character.`);
  }
  return fullName;
}

export interface PublicUser {
  id: string;
  username: string;
  email: string;
  email_verified: boolean;
  full_name: string | null;
  role: string;
  disabled: boolean;
  created_at: string;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    full_name: user.fullName,
    role: user.role,
    disabled: user.disabled,
    created_at: user.createdAt.toISOString(),
  };
}

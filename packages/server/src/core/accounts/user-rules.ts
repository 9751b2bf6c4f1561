// What a valid username and email look like, the one key a login is looked up and throttled by,
// and the public view of a user (never the hash).
import { AuthError } from '../errors.js';
import type { UserRecord } from '../../storage/types/stores.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
// A practical subset of RFC 5322 addr-spec (the WHATWG "valid e-mail address" rule), with a dot
// in the domain and the RFC 5321 §4.5.3.1 length limits.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

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

export interface PublicUser {
  id: string;
  username: string;
  email: string;
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
    full_name: user.fullName,
    role: user.role,
    disabled: user.disabled,
    created_at: user.createdAt.toISOString(),
  };
}

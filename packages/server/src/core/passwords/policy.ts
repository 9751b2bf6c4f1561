// Password rules from OWASP ASVS V2 (2.1.1, 2.1.2, 2.1.7, 2.1.9): 8 to 128 characters, no
// composition rules, refused when it is a common password from the list shipped with the
// package (@zxcvbn-ts/language-common, ~49 000 entries) or when it is the username or email.
import { createRequire } from 'node:module';
import { AuthError } from '../errors.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

let commonPasswords: Set<string> | undefined;

/**
 * Only the passwords list of the package (not its diceware list and keyboard graphs), loaded at
 * the first password check rather than at start: ≈ 5 MB that a server only reading tokens never needs.
 */
function loadCommonPasswords(): Set<string> {
  const passwords = createRequire(import.meta.url)('@zxcvbn-ts/language-common/dist/passwords.json.cjs') as string[];
  return new Set(passwords.map((p) => p.toLowerCase()));
}

function isCommon(password: string): boolean {
  commonPasswords ??= loadCommonPasswords();
  return commonPasswords.has(password.toLowerCase());
}

/** Throws an AuthError naming the first rule the password breaks. */
export function checkPasswordPolicy(password: string, identity: { username?: string; email?: string }): void {
  const length = [...password].length; // code points, so an emoji counts once (ASVS 2.1.1)
  if (length < PASSWORD_MIN_LENGTH) {
    throw new AuthError('password_too_short', `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new AuthError('password_too_long', `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const lowered = password.toLowerCase();
  const email = identity.email?.toLowerCase();
  if (lowered === identity.username?.toLowerCase() || lowered === email || lowered === email?.split('@')[0]) {
    throw new AuthError('password_contains_identity', 'The password must not be the username or email.');
  }
  if (isCommon(password)) {
    throw new AuthError('password_too_common', 'This password is too common; choose another.');
  }
}

// The password hash of an account that has no password (one created through another identity
// provider). The users table requires a hash, so it holds this marker: "!" begins no PHC string or
// bcrypt hash, so no password can ever match it (hasher.ts answers false after a dummy hash, in the
// same time as a wrong password), as "!" locks an account in /etc/shadow.
export const NO_PASSWORD_HASH = '!no-password';

/** Whether a password login can reach this account at all. */
export function hasPassword(user: { passwordHash: string }): boolean {
  return !user.passwordHash.startsWith('!');
}

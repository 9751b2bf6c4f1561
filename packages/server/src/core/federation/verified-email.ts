// Whether an account's email is verified, for the linking rule (resolve-account.ts). The mail
// issue adds UserRecord.emailVerified; until this branch has it, no account counts as verified, so
// no login links by email (the safe side): after the merge this reads the field.
import type { UserRecord } from '../../storage/types/stores.js';

export function accountEmailVerified(user: UserRecord): boolean {
  return (user as UserRecord & { emailVerified?: boolean }).emailVerified === true;
}

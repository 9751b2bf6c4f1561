// What importing users needs from the SQL database (core/import/): the existing rows an import's
// lines may match or clash with, looked up in bulk, and one batch of writes in one transaction.
import type { NewUser, UserPatch } from './stores.js';
import type { IdentityRecord } from './federation.js';

/** Just what an import compares: the row's id, email and lowercased username, and whether it is an active admin. */
export interface ExistingUser {
  id: string;
  email: string;
  usernameKey: string;
  activeAdmin: boolean;
}

export interface ExistingIdentity {
  provider: string;
  subject: string;
  userId: string;
}

export interface ImportBatch {
  create: NewUser[];
  update: Array<{ id: string; patch: UserPatch }>;
  identities: IdentityRecord[];
}

export interface UserImportStore {
  /** Users whose id, email or username key is among those given (any number: the store splits them). */
  findUsers(keys: { ids: string[]; emails: string[]; usernameKeys: string[] }): Promise<ExistingUser[]>;
  /** Identities linked already, among the (provider, subject) pairs given. */
  findIdentities(pairs: Array<{ provider: string; subject: string }>): Promise<ExistingIdentity[]>;
  /**
   * Writes one batch in one transaction: all of it or, when anything fails, none of it. A unique
   * clash (a row written since the checks) throws DuplicateUserError.
   */
  writeBatch(batch: ImportBatch, now: Date): Promise<void>;
}

// Removing one of an account's ways to log in (a passkey, a linked identity) while it keeps at least
// one: the count and the deletion are one store call under a lock, so two removals at once on two
// instances cannot both pass (docs/architecture.md, "Stores").

export type LoginMethodKind = 'passkey' | 'identity';

/** What the account would have left after the removal. */
export interface RemainingWaysIn {
  /** The user's password hash: the core decides whether it is a password one can log in with. */
  passwordHash: string;
  passkeys: number;
  identities: number;
}

export type RemovalOutcome = 'deleted' | 'not_found' | 'last';

export interface LoginMethodStore {
  /**
   * Deletes the user's passkey or identity `id` only while `keepsWayIn` accepts what would remain;
   * `last` (nothing deleted) when it does not, `not_found` when the user has no such method.
   */
  remove(userId: string, kind: LoginMethodKind, id: string, keepsWayIn: (left: RemainingWaysIn) => boolean): Promise<RemovalOutcome>;
}

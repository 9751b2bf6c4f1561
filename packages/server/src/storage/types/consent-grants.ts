// The consent a user gave a relying party (docs/architecture.md, "OpenID Connect tokens and consent"): one row per user and client,
// with the scope values granted so far, kept until the user or an admin revokes it. In the SQL
// database (migration 0017), whichever store holds sessions; a user's grants go with the user.

export interface ConsentGrantRecord {
  userId: string;
  clientId: string;
  scopes: readonly string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ConsentGrantStore {
  find(userId: string, clientId: string): Promise<ConsentGrantRecord | null>;
  /** Writes the grant, replacing the scopes of an existing one (createdAt stays). */
  save(grant: ConsentGrantRecord): Promise<void>;
  /** The user's grants, by client id. */
  listForUser(userId: string): Promise<ConsentGrantRecord[]>;
  /** False when there was none. */
  delete(userId: string, clientId: string): Promise<boolean>;
}

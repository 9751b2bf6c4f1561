// What every single-use secret's row shares (login challenges, one-time mail tokens, WebAuthn
// challenges): stored under the SHA-256 of a value handed out once (core/tokens/secret-hash.ts),
// issued at a time, live until it expires, then deleted by the sweeper (jobs/sweeper.ts).

export interface SingleUseTimes {
  createdAt: Date;
  /** Live while now < expiresAt; a take after it finds nothing. */
  expiresAt: Date;
}

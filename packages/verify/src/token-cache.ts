// A bounded cache of access tokens that already passed verification, kept only until the token's
// `exp`. A hit skips the HMAC and the claim checks; the session and user are still read on every
// request, so a logout or a disabled user is felt at once. Entries are found by the token's
// signature (its last segment: 43 characters for HS256, against ≈ 280 for the whole token, and
// a lookup hashes its key) and then compared whole, so only the very same token is a hit.

interface Entry<Claims> {
  token: string;
  claims: Claims;
}

const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);

export class VerifiedTokenCache<Claims extends { exp: number }> {
  private readonly entries = new Map<string, Entry<Claims>>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string, nowMs: number): Claims | undefined {
    const key = signatureOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.claims.exp * 1000 <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.claims;
  }

  set(token: string, claims: Claims): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(signatureOf(token), { token, claims });
  }
}

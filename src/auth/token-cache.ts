// A bounded cache of access tokens that already passed verification, keyed by the token itself
// and kept only until the token's `exp`. A hit skips the HMAC and the claim checks; the session
// and user are still read on every request, so a logout or a disabled user is felt at once.

export class VerifiedTokenCache<Claims extends { exp: number }> {
  private readonly entries = new Map<string, Claims>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string, nowMs: number): Claims | undefined {
    const claims = this.entries.get(token);
    if (claims && claims.exp * 1000 <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  set(token: string, claims: Claims): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(token, claims);
  }
}

// A bounded cache of access tokens that already passed verification, kept only until the token's
// `exp`, and only while the key that verified it (its `kid`) is still in the key source. A hit skips
// the signature and the claim checks. Entries are found by the token's signature (its last
// segment: 43 characters for HS256, against ≈ 280 for the whole token, and a lookup hashes its key)
// and then compared whole, so only the very same token is a hit.

/**
 * What the cache asks of a key source whose keys can leave (a reloaded key set, a refetched JWKS),
 * so that tokens of a removed key stop passing at once rather than at their `exp`.
 */
export interface KeyPresence {
  /**
   * A number that moves whenever a key may have left the set. Read on every hit, so it must cost a
   * field read; a source may use the call to start a background reload when one is due.
   */
  generation(nowMs: number): number;
  /** Whether the key named `kid` is still in the set. Asked once per entry after the generation moved. */
  has(kid: string): boolean;
}

interface Entry<Claims> {
  token: string;
  claims: Claims;
  /** The header's kid, when a KeyPresence watches the keys. */
  kid: string | undefined;
  /** The generation at which `kid` was last seen present; -1 until the first hit checks it. */
  generation: number;
}

const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);

/** The `kid` of a token's protected header (the token was verified, so the header is what was signed). */
function headerKid(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

export class VerifiedTokenCache<Claims extends { exp: number }> {
  private readonly entries = new Map<string, Entry<Claims>>();

  /** `keys`: the key source's presence, for sources whose keys can leave; none for a fixed key. */
  constructor(private readonly maxEntries = 10_000, private readonly keys?: KeyPresence) {}

  get(token: string, nowMs: number): Claims | undefined {
    const key = signatureOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.claims.exp * 1000 <= nowMs || (this.keys !== undefined && !this.keyStillThere(entry, nowMs))) {
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
    // Generation -1: the key set may have changed while this token was being verified, so the
    // first hit checks its kid against the set as it then is.
    const kid = this.keys === undefined ? undefined : headerKid(token);
    this.entries.set(signatureOf(token), { token, claims, kid, generation: -1 });
  }

  /** Whether the entry's key is still in the set: one comparison unless the set changed since. */
  private keyStillThere(entry: Entry<Claims>, nowMs: number): boolean {
    const generation = this.keys!.generation(nowMs);
    if (entry.generation === generation) return true;
    if (entry.kid === undefined || !this.keys!.has(entry.kid)) return false;
    entry.generation = generation;
    return true;
  }
}

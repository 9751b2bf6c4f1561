// Refresh under load where every request is a real rotation: a pool of sessions, each held by at
// most one in-flight request; the answer's pair replaces the session's pair, so its chain moves
// one generation per request. A session whose answer is lost (a run ending mid-flight) or not 200
// is dropped, because its next use would be a replay or a reuse rather than a rotation.
import type { Request } from 'autocannon';
import type { TokenPair } from './gatehouse.js';

export interface ChainStats {
  /** Answers whose refresh token is exactly one generation past the one presented. */
  rotations: number;
  /** Answers that were not 200, or 200 without a next generation. */
  broken: number;
  /** Sessions dropped so far (broken, or in flight when a run stopped). */
  dropped: number;
  live: number;
}

export class RefreshChains {
  private readonly pairs: TokenPair[];
  private free: number[];
  private readonly inFlight = new Set<number>();
  readonly stats: ChainStats = { rotations: 0, broken: 0, dropped: 0, live: 0 };

  constructor(pairs: TokenPair[]) {
    this.pairs = [...pairs];
    this.free = pairs.map((_, i) => i);
    this.stats.live = pairs.length;
  }

  /** The autocannon request list; call `endRun()` after each run. */
  requests(): Request[] {
    return [{
      method: 'POST',
      path: '/auth/refresh',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request, context) => {
        const slot = this.free.shift();
        if (slot === undefined) {
          throw new Error(`refresh pool exhausted: ${this.stats.dropped + this.inFlight.size} sessions dropped or stuck in flight `
            + '(did the server stop answering?)');
        }
        this.inFlight.add(slot);
        context.slot = slot;
        const pair = this.pairs[slot]!;
        return { ...request, body: JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token }) };
      },
      onResponse: (status, body, context) => this.settle(context.slot as number, status, body),
    }];
  }

  /** Drops the sessions whose request was still in flight when the run stopped. */
  endRun(): void {
    this.stats.dropped += this.inFlight.size;
    this.inFlight.clear();
    this.stats.live = this.free.length;
  }

  private settle(slot: number, status: number, body: string): void {
    this.inFlight.delete(slot);
    const before = generation(this.pairs[slot]!.refresh_token);
    const next = status === 200 ? (JSON.parse(body) as TokenPair) : undefined;
    if (!next || generation(next.refresh_token) !== before + 1) {
      this.stats.broken += 1;
      this.stats.dropped += 1;
      return;
    }
    this.stats.rotations += 1;
    this.pairs[slot] = next;
    this.free.push(slot);
  }
}

/** The session generation a refresh token carries: its `jti` is "<session id>.<generation>". */
function generation(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti?: string };
  return Number(payload.jti?.split('.').pop());
}

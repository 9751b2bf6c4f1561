// Optional: refuse tokens whose session was logged out, by reading the session that the Gatehouse
// server keeps in Redis (docs/architecture.md, "Refresh"), so a logout is felt at once instead of at `exp`.
// Key layout (restated from the server's Redis session store, which this package must not import):
//   <prefix>{<userId>}:s:<sid>  a hash with fields userId, revokedAt ('' while live), currentHash, …
// The hash expires with its session. Missing, another user's, or revokedAt set → revoked.
import { VerifyError } from './errors.js';

/** The one command used, as ioredis `Redis` and `Cluster` both provide it. */
export interface RedisHashReader {
  hmget(key: string, ...fields: string[]): Promise<Array<string | null>>;
}

/**
 * Says whether the session `sessionId` of `userId` is revoked (or gone). `token` is the access token
 * being checked, already verified: what introspectionSessionCheck sends; the Redis check has no use for it.
 */
export type SessionCheck = (userId: string, sessionId: string, token: string) => Promise<boolean>;

export interface RedisSessionCheckOptions {
  /** The server's REDIS_KEY_PREFIX. Default "gh:". */
  keyPrefix?: string;
}

export function redisSessionCheck(redis: RedisHashReader, options: RedisSessionCheckOptions = {}): SessionCheck {
  if (typeof redis?.hmget !== 'function') throw new TypeError('redisSessionCheck: pass an ioredis client (Redis or Cluster)');
  const prefix = options.keyPrefix ?? 'gh:';
  return async (userId, sessionId) => {
    let fields: Array<string | null>;
    try {
      fields = await redis.hmget(`${prefix}{${userId}}:s:${sessionId}`, 'userId', 'revokedAt');
    } catch (error) {
      // Fail closed, as the server does: without Redis nobody can tell a live session from a logged-out one.
      throw new VerifyError('store_unavailable', 'The session store is unavailable; try again shortly.', { cause: error });
    }
    const [owner, revokedAt] = fields;
    return owner !== userId || (revokedAt !== null && revokedAt !== undefined && revokedAt !== '');
  };
}

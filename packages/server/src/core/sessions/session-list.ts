// A user's own sessions: the live ones, and ending one of them by id; and how precisely a list of
// sessions may tell their times.
import { AuthError } from '../errors.js';
import type { CoreDeps } from '../context.js';
import type { SessionRecord } from '../../storage/types/stores.js';

const HOUR_MS = 3_600_000;

/**
 * A session's time as lists show it: rounded down to the hour. Every rotation moves last_used_at
 * and expires_at, so exact times let whoever holds a copy of a pair watch the list for the moment
 * the owner refreshes (docs/hardening.md, "Stolen token pairs"). Minutes would not hide that: a
 * client refreshes once per access-token lifetime (15 min), so every rotation would still change
 * the list. To the hour, at most one rotation an hour shows, and "active within this hour" is all
 * a device list needs; exact times stay in the audit log.
 */
export function listedTime(time: Date): string {
  return new Date(Math.floor(time.getTime() / HOUR_MS) * HOUR_MS).toISOString();
}

export function createSessionList({ sessions, clock }: Pick<CoreDeps, 'sessions' | 'clock'>) {
  return {
    async listSessions(userId: string): Promise<SessionRecord[]> {
      return sessions.listActiveForUser(userId, new Date(clock.now()));
    },

    async revokeSession(userId: string, sessionId: string): Promise<void> {
      const session = await sessions.findById(userId, sessionId);
      if (!session || session.revokedAt) throw new AuthError('session_not_found', 'No such session.');
      await sessions.revoke(userId, sessionId, new Date(clock.now()));
    },
  };
}

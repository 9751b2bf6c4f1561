// A user's own sessions: the live ones, and ending one of them by id.
import { AuthError } from '../errors.js';
import type { CoreDeps } from '../context.js';
import type { SessionRecord } from '../../storage/types/stores.js';

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

// A verified token's session and its user, as the guard and the refresh need them: in one read
// where the stores offer it (Stores.sessionAndUser: both in one network SQL database), otherwise
// the two reads at once.
import type { CoreDeps } from '../context.js';
import type { SessionAndUserRead } from '../../storage/types/stores.js';

export function sessionAndUserReader({ users, sessions, sessionAndUser }: Pick<CoreDeps, 'users' | 'sessions' | 'sessionAndUser'>): SessionAndUserRead {
  if (sessionAndUser) return sessionAndUser;
  return async (userId, sessionId) => {
    const [session, user] = await Promise.all([sessions.findById(userId, sessionId), users.findById(userId)]);
    return { session, user };
  };
}

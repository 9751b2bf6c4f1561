// Everything stored about a user, for the user (GDPR art. 15 and 20): the profile and the sessions,
// without a hash, a secret or a token.
import type { CoreDeps } from '../context.js';
import { toPublicUser, type PublicUser } from './user-rules.js';
import type { UserRecord } from '../../storage/types/stores.js';

export interface AccountExport {
  exported_at: string;
  user: PublicUser & { updated_at: string };
  sessions: Array<{
    id: string; created_at: string; last_used_at: string; expires_at: string; ip: string | null; user_agent: string | null;
  }>;
}

export function createAccountExport({ sessions, clock }: Pick<CoreDeps, 'sessions' | 'clock'>) {
  return async function exportAccount(user: UserRecord): Promise<AccountExport> {
    const now = new Date(clock.now());
    const active = await sessions.listActiveForUser(user.id, now);
    return {
      exported_at: now.toISOString(),
      user: { ...toPublicUser(user), updated_at: user.updatedAt.toISOString() },
      sessions: active.map((s) => ({
        id: s.id, created_at: s.createdAt.toISOString(), last_used_at: s.lastUsedAt.toISOString(),
        expires_at: s.expiresAt.toISOString(), ip: s.ip, user_agent: s.userAgent,
      })),
    };
  };
}

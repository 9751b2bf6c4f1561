// Everything stored about a user, for the user (GDPR art. 15 and 20): the profile, the sessions,
// the second factors, the passkeys and the linked identities; never a hash, a secret, a key or a token.
import type { CoreDeps } from '../context.js';
import { summarizeFactors, type FactorSummary } from '../mfa/manage-factors.js';
import { listedTime } from '../sessions/session-list.js';
import { toPublicUser, type PublicUser } from './user-rules.js';
import type { FederationStore } from '../../storage/types/federation.js';
import type { PasskeyStore } from '../../storage/types/passkeys.js';
import type { UserRecord } from '../../storage/types/stores.js';

export interface AccountExport {
  exported_at: string;
  user: PublicUser & { updated_at: string };
  sessions: Array<{
    id: string; created_at: string; last_used_at: string; expires_at: string; ip: string | null; user_agent: string | null;
  }>;
  second_factors: FactorSummary;
  passkeys: Array<{ id: string; name: string; device_type: string; backed_up: boolean; created_at: string; last_used_at: string | null }>;
  identities: Array<{ id: string; provider: string; email: string | null; email_verified: boolean; created_at: string; last_used_at: string }>;
}

export type ExportDeps = Pick<CoreDeps, 'sessions' | 'clock' | 'factors'> & { passkeys: PasskeyStore; federation: FederationStore };

export function createAccountExport({ sessions, clock, factors, passkeys, federation }: ExportDeps) {
  return async function exportAccount(user: UserRecord): Promise<AccountExport> {
    const now = new Date(clock.now());
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    const [active, secondFactors, keys, identities] = await Promise.all([
      sessions.listActiveForUser(user.id, now), summarizeFactors(factors, user.id), passkeys.listForUser(user.id), federation.listIdentities(user.id),
    ]);
    return {
      exported_at: now.toISOString(),
      user: { ...toPublicUser(user), updated_at: user.updatedAt.toISOString() },
      // rounded as the session list rounds them (core/sessions/session-list.ts, listedTime): an export
      // must not hand a copied pair the exact rotation times the list hides
      sessions: active.map((s) => ({
        id: s.id, created_at: listedTime(s.createdAt), last_used_at: listedTime(s.lastUsedAt),
        expires_at: listedTime(s.expiresAt), ip: s.ip, user_agent: s.userAgent,
      })),
      second_factors: secondFactors,
      passkeys: keys.map((k) => ({
        id: k.id, name: k.name, device_type: k.deviceType, backed_up: k.backedUp, created_at: k.createdAt.toISOString(), last_used_at: iso(k.lastUsedAt),
      })),
      identities: identities.map((i) => ({
        id: i.id, provider: i.provider, email: i.email, email_verified: i.emailVerified, created_at: i.createdAt.toISOString(),
        last_used_at: i.lastUsedAt.toISOString(),
      })),
    };
  };
}

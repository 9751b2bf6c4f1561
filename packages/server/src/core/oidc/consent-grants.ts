// Consent (docs/architecture.md, "OpenID Connect tokens and consent"): what a user allowed a relying party, kept per user and client
// as the union of the scope values granted so far, so a client is asked again only for a scope it
// never had. Revoking a consent ends that client's sessions of the user: its tokens stop working
// (access tokens at their next check of the session, refresh tokens at once).
import { auditOrigin, type AuditActor, type AuditSink } from '../audit.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../context.js';
import type { ConsentGrantStore } from '../../storage/types/consent-grants.js';
import type { SessionStore } from '../../storage/types/stores.js';

export interface ConsentGrants {
  find(userId: string, clientId: string): Promise<{ scopes: string[] } | null>;
  record(userId: string, clientId: string, scopes: readonly string[]): Promise<void>;
  list(userId: string): Promise<Array<{ clientId: string; scopes: string[]; createdAt: Date }>>;
  /** Also ends that client's sessions of the user. False when there was no such consent (nothing ended). */
  revoke(userId: string, clientId: string): Promise<boolean>;
}

/** Who revokes, for the audit event: the user (their session), or an admin acting on `userId`. */
export interface RevokeActor {
  ctx: RequestContext;
  actor: Pick<AuditActor, 'userId' | 'sessionId'>;
  /** Set when an admin revokes another user's consent. */
  byAdmin: boolean;
}

export interface ConsentGrantDeps {
  store: ConsentGrantStore;
  sessions: Pick<SessionStore, 'listActiveForUser' | 'revoke'>;
  clock: Clock;
  audit: AuditSink;
}

/** The contract's ConsentGrants, and `revokeAs`/`recordAs` that audit who did it. */
export function createConsentGrants({ store, sessions, clock, audit }: ConsentGrantDeps) {
  /** Ends every live session of `userId` opened for `clientId`; returns how many. */
  async function endClientSessions(userId: string, clientId: string): Promise<number> {
    const now = new Date(clock.now());
    const bound = (await sessions.listActiveForUser(userId, now)).filter((session) => session.client?.clientId === clientId);
    for (const session of bound) await sessions.revoke(userId, session.id, now);
    return bound.length;
  }

  async function record(userId: string, clientId: string, scopes: readonly string[]): Promise<string[]> {
    const now = new Date(clock.now());
    const existing = await store.find(userId, clientId);
    const union = [...new Set([...(existing?.scopes ?? []), ...scopes])];
    await store.save({ userId, clientId, scopes: union, createdAt: existing?.createdAt ?? now, updatedAt: now });
    return union;
  }

  async function revoke(userId: string, clientId: string): Promise<{ found: boolean; revokedSessions: number }> {
    const found = await store.delete(userId, clientId);
    // sessions end even when no consent row was left (a skip_consent client never stores one)
    const revokedSessions = await endClientSessions(userId, clientId);
    return { found: found || revokedSessions > 0, revokedSessions };
  }

  const grants: ConsentGrants = {
    find: async (userId, clientId) => {
      const grant = await store.find(userId, clientId);
      return grant && { scopes: [...grant.scopes] };
    },
    record: async (userId, clientId, scopes) => {
      const granted = await record(userId, clientId, scopes);
      audit({ type: 'consent_granted', userId, clientId, scope: granted.join(' '), ip: 'unknown', userAgent: null });
    },
    list: async (userId) => (await store.listForUser(userId)).map((g) => ({ clientId: g.clientId, scopes: [...g.scopes], createdAt: g.createdAt })),
    revoke: async (userId, clientId) => {
      const { found, revokedSessions } = await revoke(userId, clientId);
      if (found) audit({ type: 'consent_revoked', userId, clientId, revokedSessions, ip: 'unknown', userAgent: null });
      return found;
    },
  };

  return {
    ...grants,
    /** record, audited with where the consent came from (the consent form's request). */
    async recordAs(userId: string, clientId: string, scopes: readonly string[], ctx: RequestContext): Promise<void> {
      const granted = await record(userId, clientId, scopes);
      audit({ type: 'consent_granted', userId, clientId, scope: granted.join(' '), ...auditOrigin(ctx) });
    },
    /** revoke, audited under who did it (GET/DELETE /users/me/grants, /admin/users/:id/grants). */
    async revokeAs(userId: string, clientId: string, by: RevokeActor): Promise<boolean> {
      const { found, revokedSessions } = await revoke(userId, clientId);
      if (found) {
        audit({
          type: 'consent_revoked', clientId, revokedSessions, ...(by.byAdmin ? { targetUserId: userId } : {}),
          ...by.actor, ...auditOrigin(by.ctx),
        });
      }
      return found;
    },
  };
}

export type ConsentGrantService = ReturnType<typeof createConsentGrants>;

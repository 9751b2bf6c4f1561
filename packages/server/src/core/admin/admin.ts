// The admin use-cases: list, read, change (disable, role) and delete users, list and revoke their
// sessions (all, or one). Disabling or deleting ends every session at once; the last active admin can never be
// demoted, disabled or deleted (409 last_admin); a role must be declared in ROLES (400 unknown_role).
// Framework-free: the admin API and the CLI both call it.
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps } from '../context.js';
import { summarizeFactors, type FactorSummary } from '../mfa/manage-factors.js';
import type { FactorStore, LoginChallengeStore } from '../../storage/types/factors.js';
import type { SessionRecord, Stores, UserListQuery, UserRecord } from '../../storage/types/stores.js';
import type { TransactionalWebhooks } from '../webhooks/webhook-rows.js';

export const ADMIN_ROLE = 'admin';

export type AdminDeps = Pick<CoreDeps, 'users' | 'sessions' | 'clock' | 'audit'> & {
  /** The roles a user may be given (Config.roles), `admin` among them. */
  roles: readonly string[];
  factors: FactorStore;
  loginChallenges: LoginChallengeStore;
  /** With both, a deletion's webhook rows commit with it (core/webhooks/webhook-rows.ts); the CLI has neither. */
  transaction?: Stores['transaction'];
  webhooks?: TransactionalWebhooks;
};

/**
 * The admin who acts, and from where: every change is audited under their name. The CLI acts
 * from the machine itself, with no user or session.
 */
export interface AdminActor {
  userId?: string;
  sessionId?: string;
  ip: string;
  userAgent: string | null;
}

export interface UserChanges {
  disabled?: boolean;
  role?: string;
  /** The admin vouches for the address (or withdraws that): no mail is sent. */
  emailVerified?: boolean;
}

export interface UserPage {
  users: UserRecord[];
  /** The cursor of the next page, or null on the last. */
  nextCursor: string | null;
}

export type AdminService = ReturnType<typeof createAdminService>;

const isActiveAdmin = (user: Pick<UserRecord, 'role' | 'disabled'>) => user.role === ADMIN_ROLE && !user.disabled;

export function createAdminService(deps: AdminDeps) {
  const { users, sessions, clock, audit } = deps;
  const now = () => new Date(clock.now());
  const by = (actor: AdminActor) => ({ userId: actor.userId, sessionId: actor.sessionId, ...auditOrigin(actor) });

  async function requireUser(id: string): Promise<UserRecord> {
    const user = await users.findById(id);
    if (!user) throw new AuthError('user_not_found', 'No such user.');
    return user;
  }

  const lastAdmin = () => new AuthError('last_admin', 'This is the last active admin; make another admin first.');

  /**
   * Applies a change that may take an active admin away, keeping at least one. The count before
   * is the quick answer; the count after catches two admins demoting each other at once: whoever
   * then sees zero undoes their change and answers 409, so one admin always survives (no lock
   * or serializable transaction needed on any backend).
   */
  async function withAdminKept(before: UserRecord, after: UserChanges, apply: () => Promise<void>, undo: () => Promise<void>) {
    const removesAdmin = isActiveAdmin(before) && !isActiveAdmin({ ...before, ...after });
    if (removesAdmin && (await users.countActiveByRole(ADMIN_ROLE)) <= 1) throw lastAdmin();
    await apply();
    if (removesAdmin && (await users.countActiveByRole(ADMIN_ROLE)) === 0) {
      await undo();
      throw lastAdmin();
    }
  }

  async function listUsers(query: UserListQuery): Promise<UserPage> {
    // one extra row tells whether another page follows
    const rows = await users.list({ ...query, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return { users: page, nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  }

  async function updateUser(actor: AdminActor, id: string, changes: UserChanges): Promise<UserRecord> {
    if (changes.role !== undefined && !deps.roles.includes(changes.role)) {
      throw new AuthError('unknown_role', `The role "${changes.role}" is not declared in ROLES (${deps.roles.join(', ')}).`);
    }
    const before = await requireUser(id);
    let updated: UserRecord | null = before;
    await withAdminKept(before, changes,
      async () => { updated = await users.update(id, changes, now()); },
      async () => { await users.update(id, { disabled: before.disabled, role: before.role }, now()); });
    if (!updated) throw new AuthError('user_not_found', 'No such user.');
    const revokedSessions = changes.disabled ? await sessions.revokeAllForUser(id, now()) : 0;
    audit({ type: 'admin_user_updated', targetUserId: id, changes, revokedSessions, ...by(actor) });
    return updated;
  }

  /**
   * Disables first, so the last-admin check covers deletion too, then deletes the sessions, then the user.
   * Returns how many sessions it ended.
   */
  async function deleteUser(actor: AdminActor, id: string): Promise<number> {
    const before = await requireUser(id);
    await withAdminKept(before, { disabled: true },
      async () => { await users.update(id, { disabled: true }, now()); },
      async () => { await users.update(id, { disabled: before.disabled }, now()); });
    // SQL sessions would go with the user row; Redis sessions, which live apart, must go explicitly
    const revokedSessions = await sessions.deleteAllForUser(id);
    const event = { type: 'admin_user_deleted', targetUserId: id, revokedSessions, ...by(actor) } as const;
    const { transaction, webhooks } = deps;
    if (transaction && webhooks) {
      const rows = await webhooks.rowsOf(event);
      await transaction(async (writes) => {
        await writes.users.delete(id);
        for (const row of rows) await writes.outbox.enqueue(row);
      });
      webhooks.wake();
    } else {
      await users.delete(id);
    }
    audit(event);
    return revokedSessions;
  }

  async function listSessions(id: string): Promise<SessionRecord[]> {
    await requireUser(id);
    return sessions.listActiveForUser(id, now());
  }

  async function revokeSessions(actor: AdminActor, id: string): Promise<number> {
    await requireUser(id);
    const revokedSessions = await sessions.revokeAllForUser(id, now());
    audit({ type: 'admin_sessions_revoked', targetUserId: id, revokedSessions, ...by(actor) });
    return revokedSessions;
  }

  /** Ends one live session of the user (a lost device), audited as the ending of one session. */
  async function revokeSession(actor: AdminActor, id: string, sessionId: string): Promise<void> {
    await requireUser(id);
    const session = await sessions.findById(id, sessionId);
    if (!session || session.revokedAt) throw new AuthError('session_not_found', 'No such session.');
    await sessions.revoke(id, sessionId, now());
    audit({ type: 'admin_sessions_revoked', targetUserId: id, revokedSessions: 1, ...by(actor) });
  }

  async function userFactors(id: string): Promise<FactorSummary> {
    await requireUser(id);
    return summarizeFactors(deps.factors, id);
  }

  /** A user who lost every factor: all of them go, and so do their sessions and pending logins. */
  async function resetFactors(actor: AdminActor, id: string): Promise<number> {
    await requireUser(id);
    await deps.factors.deleteAll(id);
    await deps.loginChallenges.abandonForUser(id, now());
    const revokedSessions = await sessions.revokeAllForUser(id, now());
    audit({ type: 'admin_mfa_reset', targetUserId: id, revokedSessions, ...by(actor) });
    return revokedSessions;
  }

  return { listUsers, getUser: requireUser, updateUser, deleteUser, listSessions, revokeSessions, revokeSession, userFactors, resetFactors };
}

// What a remedy removes (docs/architecture.md, "Changing a way in"): the second factors, passkeys and
// linked identities added after the owner last signed in with a way the account already trusted
// (UserRecord.ownerProvenAt). A bearer token stolen from a recent sign-in can add one of them, which
// its owner then cannot remove (the removal asks for that factor); a reset, a password change and
// "log out everywhere" take it away, so a remedy leaves nothing of an intruder behind.
import { auditOrigin, type AuditSink } from '../audit.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../context.js';
import { keepsWayIn } from './ways-in.js';
import type { FactorStore } from '../../storage/types/factors.js';
import type { FederationStore } from '../../storage/types/federation.js';
import type { LoginMethodStore } from '../../storage/types/login-methods.js';
import type { PasskeyStore } from '../../storage/types/passkeys.js';
import type { UserRecord, UserStore } from '../../storage/types/stores.js';

export interface WaysInStores {
  factors: Pick<FactorStore, 'findTotp' | 'deleteAll'>;
  passkeys: Pick<PasskeyStore, 'listForUser'>;
  federation: Pick<FederationStore, 'listIdentities'>;
  loginMethods: LoginMethodStore;
}

export interface RemovedWays {
  totp: boolean;
  passkeys: number;
  identities: number;
}

/**
 * `since`: `proven`, the owner's last proven sign-in (a reset, an operator's new password); a
 * session's `signedInAt` (its auth_time) when a session asks (a password change, "log out
 * everywhere"): when that sign-in is the last proven one, the one before it, as the owner who finds
 * an intruder's passkey signs in first and only then asks; `all` when the owner has just proven an
 * address nobody had proven before (whoever held it then added everything on the account).
 */
export type UnprovenSince = 'proven' | 'all' | { signedInAt: Date };

export type RemoveUnprovenWays = (userId: string, since: UnprovenSince, ctx?: RequestContext) => Promise<RemovedWays>;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The time after which a way counts as unproven; null: every way. */
function thresholdOf(user: Pick<UserRecord, 'ownerProvenAt' | 'ownerProvenBefore'>, since: UnprovenSince): Date | null {
  if (since === 'all') return null;
  if (since === 'proven') return user.ownerProvenAt;
  return seconds(since.signedInAt) >= seconds(user.ownerProvenAt) ? user.ownerProvenBefore : user.ownerProvenAt;
}

export function createUnprovenWaysRemoval(
  deps: WaysInStores & { users: Pick<UserStore, 'findById'>; clock: Clock; audit: AuditSink },
): RemoveUnprovenWays {
  return async function removeUnprovenWays(userId, since, ctx) {
    const user = await deps.users.findById(userId);
    const removed: RemovedWays = { totp: false, passkeys: 0, identities: 0 };
    if (!user) return removed;
    const threshold = thresholdOf(user, since);
    const after = (date: Date) => threshold === null || date.getTime() > threshold.getTime();
    const totp = await deps.factors.findTotp(userId);
    if (totp && after(totp.confirmedAt ?? totp.createdAt)) removed.totp = await deps.factors.deleteAll(userId);
    // through the store that keeps one way in: an account is never left without a way to log in
    const keep = since === 'all' ? () => true : keepsWayIn;
    for (const passkey of await deps.passkeys.listForUser(userId)) {
      if (after(passkey.createdAt) && (await deps.loginMethods.remove(userId, 'passkey', passkey.id, keep)) === 'deleted') removed.passkeys += 1;
    }
    for (const identity of await deps.federation.listIdentities(userId)) {
      if (after(identity.createdAt) && (await deps.loginMethods.remove(userId, 'identity', identity.id, keep)) === 'deleted') removed.identities += 1;
    }
    if (removed.totp || removed.passkeys > 0 || removed.identities > 0) {
      deps.audit({ type: 'unproven_ways_removed', ...removed, userId, ...auditOrigin(ctx) });
    }
    return removed;
  };
}

// POST /auth/federated/exchange: the one-time code from the callback's redirect, taken once, for
// the login's first factor `fed` (RFC 8176 amr): a token pair, or mfa_required when the account has
// a second factor (once the login state machine of the factors issue is merged).
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason, type AuditSink } from '../audit.js';
import type { RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { Tickets } from './tickets.js';
import type { UserRecord, UserStore } from '../../storage/types/stores.js';

/** The seam to the login: today it starts a session; with the factors issue, the state machine's first-factor step. */
export type FinishFirstFactor = (user: UserRecord, ctx: RequestContext) => Promise<TokenPair>;

export function createCodeExchange(deps: { tickets: Tickets; users: UserStore; audit: AuditSink; finishFirstFactor: FinishFirstFactor }) {
  return async function exchange(code: string, ctx: RequestContext): Promise<TokenPair> {
    const ticket = await deps.tickets.take<{ provider: string }>(code, 'code');
    try {
      if (!ticket?.userId) throw new AuthError('invalid_code', 'This code is unknown, expired or used.');
      const user = await deps.users.findById(ticket.userId);
      if (!user) throw new AuthError('invalid_code', 'This code is unknown, expired or used.');
      if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
      return await deps.finishFirstFactor(user, ctx);
    } catch (error) {
      const provider = ticket?.data.provider ?? 'unknown';
      deps.audit({ type: 'federated_login_failed', provider, reason: failureReason(error), userId: ticket?.userId ?? undefined, ...auditOrigin(ctx) });
      throw error;
    }
  };
}

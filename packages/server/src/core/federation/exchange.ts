// POST /auth/federated/exchange: the one-time code from the callback's redirect, taken once, for
// the one way a login finishes (core/login/finish-login.ts) with the first factor `fed` (RFC 8176
// amr): a token pair, or 403 mfa_required when the account has a second factor.
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason, type AuditSink } from '../audit.js';
import type { RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { tokensOrMfaRequired, type FinishLogin, type LoginResult } from '../login/finish-login.js';
import { START_SESSION, type LoginOutcome, type OutcomeKind } from '../login/outcomes.js';
import type { Tickets } from './tickets.js';
import type { UserStore } from '../../storage/types/stores.js';

export function createCodeExchange(deps: { tickets: Tickets; users: UserStore; audit: AuditSink; finishLogin: FinishLogin }) {
  /** For any outcome (the provider page asks for a browser session): its result, or {mfaRequired}. */
  async function exchangeFor<K extends OutcomeKind>(code: string, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>> {
    const ticket = await deps.tickets.take<{ provider: string }>(code, 'code');
    try {
      if (!ticket?.userId) throw new AuthError('invalid_code', 'This code is unknown, expired or used.');
      const user = await deps.users.findById(ticket.userId);
      if (!user) throw new AuthError('invalid_code', 'This code is unknown, expired or used.');
      if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
      return await deps.finishLogin(user, { firstFactor: 'fed' }, ctx, outcome);
    } catch (error) {
      const provider = ticket?.data.provider ?? 'unknown';
      deps.audit({ type: 'federated_login_failed', provider, reason: failureReason(error), userId: ticket?.userId ?? undefined, ...auditOrigin(ctx) });
      throw error;
    }
  }
  return {
    // mfa_required is no failure: the provider vouched for the person
    exchange: async (code: string, ctx: RequestContext): Promise<TokenPair> => tokensOrMfaRequired(await exchangeFor(code, ctx, START_SESSION)),
    exchangeFor,
  };
}

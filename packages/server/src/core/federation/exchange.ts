// POST /auth/federated/exchange: the one-time code from the callback's redirect, taken once, for
// the one way a login finishes (core/login/finish-login.ts) with the first factor `fed` (RFC 8176
// amr): a token pair, or 403 mfa_required when the account has a second factor. The code keeps the
// credential generation the callback found: a change since (a reset) voids it (docs/architecture.md, "Login").
// The code is stored bound to the starting app's S256 challenge (pkce.ts): only that app's
// code_verifier names it, so a planted code (login CSRF) or a leaked one neither works nor is spent.
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason, type AuditSink } from '../audit.js';
import type { RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { tokensOrMfaRequired, type FinishLogin, type LoginResult } from '../login/finish-login.js';
import { START_SESSION, type LoginOutcome, type OutcomeKind } from '../login/outcomes.js';
import type { Ticket, Tickets } from './tickets.js';
import { challengeOf, checkVerifier } from './pkce.js';
import type { UserStore } from '../../storage/types/stores.js';

/** What the callback stored with the code (core/federation/finish-login.ts). */
export interface ExchangeCode {
  provider: string;
  /** The account's credential generation when the provider proved the identity; absent on codes issued before it was kept. */
  generation?: number;
  /** Whether the identity was the account's by the owner's last proven sign-in (or made the account). */
  trusted?: boolean;
}

export function createCodeExchange(deps: { tickets: Tickets; users: UserStore; audit: AuditSink; finishLogin: FinishLogin }) {
  /** For any outcome (the provider page asks for a browser session): its result, or {mfaRequired}. */
  async function exchangeFor<K extends OutcomeKind>(code: string, verifier: string | undefined, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>> {
    let ticket: Ticket<ExchangeCode> | null = null;
    try {
      ticket = await deps.tickets.take<ExchangeCode>(code, 'code', { to: challengeOf(checkVerifier(verifier)) });
      if (!ticket?.userId) throw new AuthError('invalid_code', 'This code is unknown, expired or used, or its code_verifier is not the one that started the sign-in.');
      const user = await deps.users.findById(ticket.userId);
      if (!user) throw new AuthError('invalid_code', 'This code is unknown, expired or used.');
      if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
      if (ticket.data.generation !== undefined && ticket.data.generation !== user.credentialGeneration) {
        throw new AuthError('credentials_changed', 'The account\'s credentials changed while this login was under way: log in again.');
      }
      return await deps.finishLogin(user, { firstFactor: 'fed', trusted: ticket.data.trusted === true }, ctx, outcome);
    } catch (error) {
      const provider = ticket?.data.provider ?? 'unknown';
      deps.audit({ type: 'federated_login_failed', provider, reason: failureReason(error), userId: ticket?.userId ?? undefined, ...auditOrigin(ctx) });
      throw error;
    }
  }
  return {
    // mfa_required is no failure: the provider vouched for the person
    exchange: async (code: string, verifier: string | undefined, ctx: RequestContext): Promise<TokenPair> => tokensOrMfaRequired(await exchangeFor(code, verifier, ctx, START_SESSION)),
    exchangeFor,
  };
}

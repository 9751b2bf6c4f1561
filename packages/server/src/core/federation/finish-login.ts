// GET /auth/federated/:provider/callback: takes the pending login its `state` names with this
// browser's cookie (once: a replayed callback finds nothing; a leaked state opened in another
// browser finds nothing and spends nothing, so the real sign-in still finishes), lets the provider's
// client check the rest (PKCE, the ID token), finds or makes the account, and sends the browser back
// to `redirect_to` with a one-time `code` (60 s) — never a token in a URL — that only the starting
// app's code_verifier redeems. A link's answer links nothing yet: the page gets a `link_code` that the
// session which asked completes with its verifier (identities.ts), so a link URL opened in another
// browser cannot force an identity onto the asker's account. Every failure lands on the app's page
// as `error=<code>`; only when no page is known does it answer a 4xx.
import { AuthError, authErrorOf } from '../errors.js';
import { auditOrigin, failureReason, type AuditSink } from '../audit.js';
import type { RequestContext } from '../context.js';
import { callbackUrl, type Providers } from './providers.js';
import type { Redirects } from './redirects.js';
import type { ResolveAccount } from './resolve-account.js';
import type { PendingLogin } from './start-login.js';
import type { Tickets } from './tickets.js';
import type { ExchangeCode } from './exchange.js';
import type { LinkCode } from './identities.js';

/** How long the app has to exchange the code (it does so at once, from the page it lands on). */
export const EXCHANGE_CODE_SECONDS = 60;

const LOGGED = new Set(['federation_failed', 'provider_unavailable']);

export interface FinishDeps {
  providers: Providers;
  redirects: Redirects;
  tickets: Tickets;
  accounts: ResolveAccount;
  audit: AuditSink;
  publicUrl: string;
  /**
   * Where a provider's failure (its cause: which check failed) or an unexpected error goes: the
   * server's log. The page only gets the code.
   */
  logFailure: (error: unknown) => void;
}

export function createLoginFinish(deps: FinishDeps) {
  const { providers, redirects, tickets, accounts, audit } = deps;

  /** The outcome's parameters: `code` for a login, `linked` for a link. */
  async function complete(
    providerId: string, query: string, pending: { userId: string | null; state: string } & PendingLogin, ctx: RequestContext,
  ): Promise<Record<string, string>> {
    const { client } = providers.get(providerId);
    const { codeChallenge } = pending;
    // a sign-in started before challenges were required has none: it cannot be bound, so it ends
    if (codeChallenge === undefined) throw new AuthError('invalid_code_challenge', 'This sign-in was started without a code_challenge.');
    const profile = await client.finish(new URL(`${callbackUrl(deps.publicUrl, providerId)}?${query}`), tickets.checks(pending.state));
    if (pending.userId !== null) {
      const data: LinkCode = { provider: providerId, sessionId: pending.sessionId ?? '', generation: pending.generation, codeChallenge, profile };
      return { link_code: await tickets.issue('link_code', { userId: pending.userId, data }, EXCHANGE_CODE_SECONDS) };
    }
    const { user, trusted } = await accounts.signIn(providerId, profile, ctx);
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    const data: ExchangeCode = { provider: providerId, generation: user.credentialGeneration, trusted };
    return { code: await tickets.issue('code', { userId: user.id, data }, EXCHANGE_CODE_SECONDS, undefined, codeChallenge) };
  }

  return async function finishLogin(providerId: string, query: string, browserKey: string | undefined, ctx: RequestContext): Promise<string> {
    providers.get(providerId); // unknown_provider before anything is taken
    const state = new URLSearchParams(query).get('state');
    const pending = await tickets.take<PendingLogin>(state, 'login', { to: browserKey });
    try {
      if (!pending || pending.data.provider !== providerId) {
        throw new AuthError('invalid_state', 'This sign-in is unknown, expired, finished already or was started in another browser.');
      }
      return redirects.withOutcome(pending.data.redirectTo, await complete(providerId, query, { ...pending.data, userId: pending.userId, state: state! }, ctx));
    } catch (error) {
      const code = failureReason(error);
      if (!authErrorOf(error) || LOGGED.has(code)) deps.logFailure(error);
      audit({ type: 'federated_login_failed', provider: providerId, reason: code, userId: pending?.userId ?? undefined, ...auditOrigin(ctx) });
      const page = pending?.data.provider === providerId ? pending.data.redirectTo : redirects.fallback;
      if (page === undefined) throw authErrorOf(error) ?? error;
      return redirects.withOutcome(page, { error: code });
    }
  };
}

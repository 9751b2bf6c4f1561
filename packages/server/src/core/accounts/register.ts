// Self-service registration: per-IP limit, a new account with the role `user`, and its first session.
import type { CoreDeps, RequestContext } from '../context.js';
import type { StartSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { createAccount, type NewAccount } from './create-account.js';
import type { UserRecord } from '../../storage/types/stores.js';

export type Registration = Omit<NewAccount, 'role'>;

export function createRegistration(
  deps: Pick<CoreDeps, 'users' | 'hasher' | 'clock' | 'limits' | 'breachedPasswords'>, startSession: StartSession,
) {
  return async function register(input: Registration, ctx: RequestContext): Promise<{ user: UserRecord; tokens: TokenPair }> {
    await deps.limits.consume('credentialsPerIp', ctx.ipKey);
    const user = await createAccount(deps, { ...input, role: 'user' }, ctx.ip);
    const auth = { amr: ['pwd'] as const, authTime: new Date(deps.clock.now()) };
    return { user, tokens: await startSession(user, ctx, 'register', auth) };
  };
}

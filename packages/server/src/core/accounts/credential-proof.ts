// The proof a change of a way into the account needs (docs/architecture.md, "Changing a way in"): a
// sign-in within REAUTH_MAX_AGE whose amr covers the account's strongest factor (a confirmed TOTP
// or a passkey), proven with a factor that existed before that sign-in: a factor never vouches for itself.
import { AuthError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../context.js';
import type { PasswordCheck } from '../login/password-check.js';
import { confirmCurrentPassword } from '../passwords/confirm-password.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { FactorStore } from '../../storage/types/factors.js';
import type { PasskeyStore } from '../../storage/types/passkeys.js';

/** When each of the account's strong factors came to be, in whole seconds (as auth_time is). */
export interface StrongFactors {
  totpSince: number | null;
  passkeysSince: number[];
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export async function readStrongFactors(
  stores: { factors: Pick<FactorStore, 'findTotp'>; passkeys: Pick<PasskeyStore, 'listForUser'> }, userId: string,
): Promise<StrongFactors> {
  const [totp, passkeys] = await Promise.all([stores.factors.findTotp(userId), stores.passkeys.listForUser(userId)]);
  return {
    totpSince: totp?.confirmedAt ? seconds(totp.confirmedAt) : null,
    passkeysSince: passkeys.map((passkey) => seconds(passkey.createdAt)),
  };
}

export const hasStrongFactor = (factors: StrongFactors) => factors.totpSince !== null || factors.passkeysSince.length > 0;

/** Whether `amr`, proven at `authTime`, holds a strong factor the account had by then. */
export function coversStrongFactor(factors: StrongFactors, amr: readonly string[], authTime: number): boolean {
  const byTotp = amr.includes('otp') && factors.totpSince !== null && factors.totpSince <= authTime;
  const byPasskey = (amr.includes('hwk') || amr.includes('swk')) && factors.passkeysSince.some((since) => since <= authTime);
  return byTotp || byPasskey;
}

export interface CredentialProof {
  /** 403 reauthentication_required (old sign-in) or stronger_reauthentication_required (amr too weak). */
  require(auth: Authenticated): Promise<void>;
  /**
   * The current password, when given, stands for a recent sign-in on an account without a strong
   * factor; with one, the recent sign-in covering it is needed whatever else is sent.
   */
  requireOrPassword(auth: Authenticated, currentPassword: string | undefined, ctx: RequestContext): Promise<void>;
  strongFactors(userId: string): Promise<StrongFactors>;
}

export function createCredentialProof(
  deps: { clock: Clock; factors: Pick<FactorStore, 'findTotp'>; passkeys: Pick<PasskeyStore, 'listForUser'>; checkPassword: PasswordCheck },
  reauthMaxAgeSeconds: number,
): CredentialProof {
  const strongFactors = (userId: string) => readStrongFactors(deps, userId);

  function requireRecent(auth: Authenticated): number {
    const authTime = auth.claims.auth_time;
    if (authTime !== undefined && deps.clock.now() / 1000 - authTime <= reauthMaxAgeSeconds) return authTime;
    throw new AuthError('reauthentication_required',
      `This action needs a sign-in within the last ${reauthMaxAgeSeconds} seconds: call POST /auth/reauthenticate first.`);
  }

  function requireCovered(auth: Authenticated, factors: StrongFactors, authTime: number): void {
    if (!hasStrongFactor(factors) || coversStrongFactor(factors, auth.claims.amr ?? [], authTime)) return;
    throw new AuthError('stronger_reauthentication_required',
      'This account has a second factor or a passkey: prove it with one of them (POST /auth/reauthenticate with a code or a passkey) first.');
  }

  async function require(auth: Authenticated): Promise<void> {
    const authTime = requireRecent(auth);
    requireCovered(auth, await strongFactors(auth.user.id), authTime);
  }

  async function requireOrPassword(auth: Authenticated, currentPassword: string | undefined, ctx: RequestContext): Promise<void> {
    if (currentPassword === undefined) return require(auth);
    await confirmCurrentPassword(deps.checkPassword, auth.user, currentPassword, ctx);
    const factors = await strongFactors(auth.user.id);
    if (hasStrongFactor(factors)) requireCovered(auth, factors, requireRecent(auth));
  }

  return { require, requireOrPassword, strongFactors };
}

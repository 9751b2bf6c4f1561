// The calls of the mailed-link flows (the server's docs/email.md): email verification, forgot and
// reset password, magic-link login, and an address change. Each link the server mails carries its
// token as the `token` query parameter of the app's page; the page hands it to one of these.
import type { AuthFetch } from './auth-fetch.js';
import type { ClientContext, User } from './create-auth-client.js';
import { jsonInit, keepNewPair, keepTokens, postJson, sendAsUser } from './requests.js';
import type { SessionInfo, TokenPairBody } from './tokens.js';

export interface PasswordReset { token: string; new_password: string }
/** The token of a magic link, or the address and the 6-digit code of the same mail. */
export type MagicLinkProof = { token: string } | { email: string; code: string };
export interface EmailChange { new_email: string; current_password: string }

export async function requestEmailVerification(ctx: ClientContext, authFetch: AuthFetch): Promise<void> {
  await sendAsUser(ctx, authFetch, '/auth/email/verify/send', { method: 'POST' });
}

/** Needs no session: the link may open in another browser. Answers the user, `email_verified: true`. */
export async function verifyEmail(ctx: ClientContext, input: { token: string }): Promise<User> {
  const response = await postJson(ctx, '/auth/email/verify', { token: input.token });
  return (await response.json()) as User;
}

/** Resolves alike whether or not the address has an account (the server tells nothing). */
export async function forgotPassword(ctx: ClientContext, input: { email: string }): Promise<void> {
  await postJson(ctx, '/auth/password/forgot', { email: input.email });
}

/**
 * Every session of the user ends and no new one starts: log in with the new password next. A pair
 * this client holds for that user is dead too; its next refresh fails and emits `logout`.
 */
/** Rejects with link_invalid or link_expired when the reset link would not work; spends nothing. */
export async function checkResetLink(ctx: ClientContext, input: { token: string }): Promise<void> {
  await postJson(ctx, '/auth/password/reset/check', { token: input.token });
}

export async function resetPassword(ctx: ClientContext, input: PasswordReset): Promise<void> {
  await postJson(ctx, '/auth/password/reset', { token: input.token, new_password: input.new_password });
}

/** Resolves alike whether or not the address has an account. */
export async function requestMagicLink(ctx: ClientContext, input: { email: string }): Promise<void> {
  await postJson(ctx, '/auth/magic-link', { email: input.email });
}

/** Logs in as login() does: the pair is stored, `tokens` is emitted with reason `login`. */
export async function verifyMagicLink(ctx: ClientContext, proof: MagicLinkProof): Promise<SessionInfo> {
  const body = 'token' in proof ? { token: proof.token } : { email: proof.email, code: proof.code };
  const response = await postJson(ctx, '/auth/magic-link/verify', body);
  return keepTokens(ctx, (await response.json()) as TokenPairBody, 'login');
}

/** The address stays as it is until the link mailed to the new one is confirmed; the caller's new pair is stored. */
export async function changeEmail(ctx: ClientContext, authFetch: AuthFetch, input: EmailChange): Promise<void> {
  const response = await sendAsUser(ctx, authFetch, '/users/me/email', jsonInit({ new_email: input.new_email, current_password: input.current_password }));
  await keepNewPair(ctx, (await response.json()) as object);
}

/** The old address's "this wasn't me" link: the pending change is cancelled and every session of the account ends. */
export async function cancelEmailChange(ctx: ClientContext, input: { token: string }): Promise<User> {
  const response = await postJson(ctx, '/auth/email/change/cancel', { token: input.token });
  return (await response.json()) as User;
}

export async function confirmEmailChange(ctx: ClientContext, input: { token: string }): Promise<User> {
  const response = await postJson(ctx, '/auth/email/change/confirm', { token: input.token });
  return (await response.json()) as User;
}

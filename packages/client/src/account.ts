// The account calls of the client: register, login, logout, "who am I" and a password change.
// Login, register and a password change keep the answered pair in storage and tell listeners and
// other tabs about it.
import type { AuthFetch } from './auth-fetch.js';
import type { ClientContext, Credentials, LogoutScope, PasswordChange, Registration, User } from './create-auth-client.js';
import { AuthClientError, errorFromResponse } from './errors.js';
import { sessionInfo, toStoredTokens, type SessionInfo, type TokenPairBody } from './tokens.js';

async function postJson(ctx: ClientContext, path: string, body: unknown): Promise<Response> {
  const response = await ctx.fetch(ctx.endpoint(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

export async function keepTokens(ctx: ClientContext, pair: TokenPairBody, reason: 'login' | 'register' | 'password_changed'): Promise<SessionInfo> {
  const tokens = toStoredTokens(pair, ctx.now());
  await ctx.storage.save(tokens);
  ctx.sync?.announceTokens(tokens);
  const info = sessionInfo(tokens);
  ctx.events.emit('tokens', { ...info, reason });
  return info;
}

export async function register(ctx: ClientContext, input: Registration): Promise<User> {
  const response = await postJson(ctx, '/auth/register', input);
  const body = (await response.json()) as TokenPairBody & { user: User };
  await keepTokens(ctx, body, 'register');
  return body.user;
}

export async function login(ctx: ClientContext, credentials: Credentials): Promise<SessionInfo> {
  const response = await postJson(ctx, '/auth/login', credentials);
  return keepTokens(ctx, (await response.json()) as TokenPairBody, 'login');
}

/**
 * The server ends every session of the user on a password change, this one included, and answers
 * the pair of a new session: it replaces the stored one, or this client would be logged out.
 */
export async function changePassword(ctx: ClientContext, authFetch: AuthFetch, input: PasswordChange): Promise<SessionInfo> {
  const response = await authFetch(ctx.endpoint('/users/me/password'), jsonInit(input));
  if (!response.ok) throw await errorFromResponse(response);
  return keepTokens(ctx, (await response.json()) as TokenPairBody, 'password_changed');
}

/**
 * Local logout sends the refresh token (valid even when the access token has expired); the other
 * scopes need a live session, so they go through fetch() and its refresh. This device's tokens
 * are forgotten for local and global even when the server cannot be reached.
 */
export async function logout(ctx: ClientContext, authFetch: AuthFetch, scope: LogoutScope): Promise<void> {
  const tokens = await ctx.storage.load();
  if (!tokens) return;
  try {
    const response = scope === 'local'
      ? await ctx.fetch(ctx.endpoint('/auth/logout'), jsonInit({ refresh_token: tokens.refreshToken }))
      : await authFetch(ctx.endpoint('/auth/logout'), jsonInit({ scope }));
    if (!response.ok) throw await errorFromResponse(response);
  } catch (error) {
    if (scope === 'others') throw error;
    // A 401 means the server had already ended the session: nothing to report.
    if (!(error instanceof AuthClientError && error.status === 401)) ctx.events.emit('error', { error, during: 'logout' });
  }
  if (scope === 'others') return;
  await ctx.storage.clear();
  ctx.sync?.announceLogout();
  ctx.events.emit('logout', { reason: 'logout' });
}

function jsonInit(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export async function currentUser(ctx: ClientContext, authFetch: AuthFetch): Promise<User | null> {
  if (!(await ctx.storage.load())) return null;
  const response = await authFetch(ctx.endpoint('/users/me'));
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as User;
}

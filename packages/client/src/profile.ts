// The signed-in user's own account: edit the profile, delete the account (this device forgets the
// pair once the server said 204), and export everything stored about the user.
import type { AuthFetch } from './auth-fetch.js';
import type { ClientContext, User } from './create-auth-client.js';
import { forgetTokens, jsonInit, sendAsUser } from './requests.js';

export interface ProfileChange { full_name?: string | null; username?: string }

/**
 * GET /users/me/export: the profile, the sessions, the second factors, the passkeys and the linked
 * identities, without hashes or secrets. The server's own type (core/accounts/export-account.ts)
 * is repeated here on purpose: the client ships alone and imports nothing from the server.
 */
export interface AccountExport {
  exported_at: string;
  user: User & { updated_at: string };
  sessions: Array<{
    id: string; created_at: string; last_used_at: string; expires_at: string; ip: string | null; user_agent: string | null;
  }>;
  second_factors: { totp: { confirmed: boolean; created_at: string } | null; recovery_codes_remaining: number };
  passkeys: Array<{ id: string; name: string; device_type: string; backed_up: boolean; created_at: string; last_used_at: string | null }>;
  identities: Array<{ id: string; provider: string; email: string | null; email_verified: boolean; created_at: string; last_used_at: string }>;
}

/** The access token's `name` claim changes at its next refresh; the answered user is current. */
export async function updateProfile(ctx: ClientContext, authFetch: AuthFetch, change: ProfileChange): Promise<User> {
  const response = await sendAsUser(ctx, authFetch, '/users/me', jsonInit(change, 'PATCH'));
  return (await response.json()) as User;
}

/** Every session of the user ends at once; here the pair is forgotten and `logout` emitted (reason `account_deleted`). */
export async function deleteAccount(ctx: ClientContext, authFetch: AuthFetch, input: { current_password: string }): Promise<void> {
  await sendAsUser(ctx, authFetch, '/users/me', jsonInit({ current_password: input.current_password }, 'DELETE'));
  await forgetTokens(ctx, 'account_deleted');
}

export async function exportAccount(ctx: ClientContext, authFetch: AuthFetch): Promise<AccountExport> {
  const response = await sendAsUser(ctx, authFetch, '/users/me/export');
  return (await response.json()) as AccountExport;
}

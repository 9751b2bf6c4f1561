// Supabase `auth.users` rows as import lines (docs/migrating.md, "From Supabase"): one row_to_json
// per line; ids are UUIDs and kept; `encrypted_password` is bcrypt; `identities`, when the export
// query joins auth.identities, links the providers.
import { providerId } from './providers.js';

const isoTime = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : value);

export function fromSupabase(value: unknown, nowMs: number): unknown {
  const row = value as Record<string, unknown>;
  const meta = (row.raw_user_meta_data ?? {}) as Record<string, unknown>;
  const fullName = meta.full_name ?? meta.name;
  const bannedUntil = typeof row.banned_until === 'string' ? Date.parse(row.banned_until) : Number.NaN;
  const identities = Array.isArray(row.identities) ? (row.identities as Array<Record<string, unknown>>) : [];
  const linked = identities.filter((i) => typeof i.provider === 'string' && i.provider !== 'email');
  return {
    ...(typeof row.id === 'string' && { id: row.id }),
    email: row.email,
    email_verified: row.email_confirmed_at !== null && row.email_confirmed_at !== undefined,
    ...(typeof fullName === 'string' && { full_name: fullName }),
    ...(row.created_at !== undefined && { created_at: isoTime(row.created_at) }),
    ...(bannedUntil > nowMs && { disabled: true }),
    ...(typeof row.encrypted_password === 'string' && row.encrypted_password !== '' && { password_hash: row.encrypted_password }),
    ...(linked.length > 0 && {
      identities: linked.map((i) => ({ provider: providerId(String(i.provider)), subject: String(i.provider_id ?? i.subject ?? '') })),
    }),
  };
}

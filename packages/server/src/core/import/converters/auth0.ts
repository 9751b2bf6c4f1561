// Auth0's exports as import lines (docs/migrating.md, "From Auth0"): the user export job's NDJSON
// (user_id, email, name, identities…) and the password-hash export support sends (_id.$oid,
// passwordHash: bcrypt), one line per user either way.
import { providerId } from './providers.js';

interface Auth0Identity {
  provider?: string;
  user_id?: string | number;
  isSocial?: boolean;
}

export function fromAuth0(value: unknown): unknown {
  const user = value as Record<string, unknown>;
  const identities = Array.isArray(user.identities) ? (user.identities as Auth0Identity[]) : [];
  const social = identities.filter((i) => i.isSocial === true && i.provider && i.user_id !== undefined);
  return {
    email: user.email,
    ...(typeof user.username === 'string' && { username: user.username }),
    ...(typeof user.name === 'string' && user.name !== user.email && { full_name: user.name }),
    email_verified: user.email_verified === true,
    ...(user.blocked === true && { disabled: true }),
    ...(typeof user.created_at === 'string' && { created_at: user.created_at }),
    ...(typeof (user.passwordHash ?? user.password_hash) === 'string' && { password_hash: user.passwordHash ?? user.password_hash }),
    ...(social.length > 0 && { identities: social.map((i) => ({ provider: providerId(i.provider!), subject: String(i.user_id) })) }),
  };
}

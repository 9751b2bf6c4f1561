// A signed-in user edits their profile: full name and username (still unique, ignoring case).
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import { normalizeFullName, normalizeUsername } from './user-rules.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { UserPatch, UserRecord } from '../../storage/types/stores.js';

export interface ProfileChange {
  fullName?: string | null;
  username?: string;
}

export function createProfileUpdate({ users, clock, audit }: Pick<CoreDeps, 'users' | 'clock' | 'audit'>) {
  return async function updateProfile(user: UserRecord, change: ProfileChange, ctx: RequestContext): Promise<UserRecord> {
    const patch: UserPatch = {};
    if (change.fullName !== undefined) patch.fullName = normalizeFullName(change.fullName);
    if (change.username !== undefined) patch.username = normalizeUsername(change.username);
    if (Object.keys(patch).length === 0) return user;
    try {
      const updated = await users.update(user.id, patch, new Date(clock.now()));
      if (!updated) throw new AuthError('user_not_found', 'No such user.');
      audit({ type: 'profile_updated', fields: Object.keys(patch), userId: user.id, ...auditOrigin(ctx) });
      return updated;
    } catch (error) {
      if (error instanceof DuplicateUserError) throw new AuthError('username_taken', 'This username is taken.');
      throw error;
    }
  };
}

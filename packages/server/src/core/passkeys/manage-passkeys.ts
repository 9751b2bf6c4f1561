// A user's own passkeys: list, rename, delete. Every call names the owner, so another user's
// passkey id finds nothing (404, as an unknown one). The account's last way to log in stays
// (409 last_login_method). A deletion is audited.
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { PasskeyDeps } from './passkey-deps.js';
import { keepsWayIn } from '../accounts/ways-in.js';
import type { PasskeyRecord } from '../../storage/types/passkeys.js';

const notFound = () => new AuthError('passkey_not_found', 'No passkey of yours has this id.');

export function createPasskeyManagement({ passkeys, audit, loginMethods }: Pick<PasskeyDeps, 'passkeys' | 'audit' | 'loginMethods'>) {
  return {
    list: (userId: string): Promise<PasskeyRecord[]> => passkeys.listForUser(userId),

    async rename(userId: string, id: string, name: string): Promise<PasskeyRecord> {
      const renamed = await passkeys.rename(userId, id, name);
      if (!renamed) throw notFound();
      return renamed;
    },

    async remove(userId: string, id: string, ctx: RequestContext): Promise<void> {
      // counted and deleted under one lock: two removals at once cannot take the last way in
      const outcome = await loginMethods.remove(userId, 'passkey', id, keepsWayIn);
      if (outcome === 'not_found') throw notFound();
      if (outcome === 'last') {
        throw new AuthError('last_login_method', 'This is the account\'s last way to log in: set a password or add another passkey first.');
      }
      audit({ type: 'passkey_deleted', passkeyId: id, userId, ...auditOrigin(ctx) });
    },
  };
}

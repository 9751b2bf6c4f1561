// A user's own passkeys: list, rename, delete. Every call names the owner, so another user's
// passkey id finds nothing (404, as an unknown one). A deletion is audited.
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { PasskeyDeps } from './passkey-deps.js';
import type { PasskeyRecord } from '../../storage/types/passkeys.js';

const notFound = () => new AuthError('passkey_not_found', 'No passkey of yours has this id.');

export function createPasskeyManagement({ passkeys, audit }: Pick<PasskeyDeps, 'passkeys' | 'audit'>) {
  return {
    list: (userId: string): Promise<PasskeyRecord[]> => passkeys.listForUser(userId),

    async rename(userId: string, id: string, name: string): Promise<PasskeyRecord> {
      const renamed = await passkeys.rename(userId, id, name);
      if (!renamed) throw notFound();
      return renamed;
    },

    async remove(userId: string, id: string, ctx: RequestContext): Promise<void> {
      if (!(await passkeys.delete(userId, id))) throw notFound();
      audit({ type: 'passkey_deleted', passkeyId: id, userId, ...auditOrigin(ctx) });
    },
  };
}

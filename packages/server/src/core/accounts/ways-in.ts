// Whether an account keeps a way to log in after one is removed: a password (not the marker of an
// account made by a provider), a passkey or a linked identity. The store counts under a lock and asks this.
import { hasPassword } from '../passwords/no-password.js';
import type { RemainingWaysIn } from '../../storage/types/login-methods.js';

export const keepsWayIn = (left: RemainingWaysIn): boolean => hasPassword(left) || left.passkeys > 0 || left.identities > 0;

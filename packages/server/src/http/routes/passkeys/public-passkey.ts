// A passkey as its owner sees it: no public key, no credential id, no counter.
import type { PasskeyRecord } from '../../../storage/types/passkeys.js';

export function toPublicPasskey(passkey: PasskeyRecord) {
  return {
    id: passkey.id,
    name: passkey.name,
    device_type: passkey.deviceType,
    backed_up: passkey.backedUp,
    transports: passkey.transports,
    created_at: passkey.createdAt.toISOString(),
    last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
  };
}

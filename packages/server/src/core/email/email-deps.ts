// What the mail flows are built from: the core's parts, the one-time token store, the
// transaction that writes a state change with its mail, the mail layer and the flow settings.
import type { CoreDeps } from '../context.js';
import type { EmailFlowSettings, Mailer } from './mailer.js';
import type { OneTimeTokenStore } from '../../storage/types/one-time-tokens.js';
import type { Stores } from '../../storage/types/stores.js';
import type { TransactionalWebhooks } from '../webhooks/webhook-rows.js';

export interface EmailDeps extends Pick<CoreDeps, 'users' | 'sessions' | 'loginChallenges' | 'clock' | 'audit' | 'limits' | 'hasher' | 'breachedPasswords'> {
  oneTimeTokens: OneTimeTokenStore;
  transaction: Stores['transaction'];
  mailer: Mailer;
  settings: EmailFlowSettings;
  /** HMAC-SHA-256 (hex) under a key derived from the secret: magic-link codes, password fingerprints. */
  keyedHash(text: string): string;
  /** Webhook rows that commit with the change (an account deletion's user.deleted: core/webhooks/webhook-rows.ts). */
  webhooks?: TransactionalWebhooks;
}

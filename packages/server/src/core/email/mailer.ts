// What the mail flows need from the mail layer (jobs/mail.ts builds it) and the settings: an outbox
// row for a mail (its payload sealed), the link a mail carries, a nudge for the sender once a row
// is committed.
import type { MailRequest } from './mail.js';
import type { OutboxMessage } from '../../storage/types/outbox.js';
import type { OneTimePurpose } from '../../storage/types/one-time-tokens.js';

export interface Mailer {
  /** The outbox row that sends `request` (its values sealed). */
  message(request: MailRequest): OutboxMessage;
  /** The app's page for a purpose, with the token as its `token` query parameter. */
  link(purpose: OneTimePurpose, token: string): string;
  /** A row was committed: deliver now rather than at the next poll. */
  wake(): void;
}

export type EmailVerificationMode = 'off' | 'optional' | 'required';

export interface EmailFlowSettings {
  /** Whether mail goes out at all (SMTP, or the development log): without it no flow queues any. */
  mailEnabled: boolean;
  verification: EmailVerificationMode;
  passwordReset: boolean;
  magicLink: boolean;
  /** How long each purpose's token lives. */
  ttlSeconds: Readonly<Record<OneTimePurpose, number>>;
}

// The mail layer as compose.ts wires it (docs/email.md): what the flows get (make an outbox row
// from a MailRequest, build a link, wake the sender, the mail settings without SMTP credentials)
// and the sender itself, which runs while the app is up.
import type { pino } from 'pino';
import type { EmailSettings } from '../config/email-settings.js';
import type { AuditSink } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { buildMailLink } from '../core/email/links.js';
import type { MailRequest } from '../core/email/mail.js';
import { createMailMessages } from '../core/email/outbox-message.js';
import type { MailTemplates } from '../core/email/templates.js';
import type { OneTimePurpose } from '../storage/types/one-time-tokens.js';
import type { OutboxMessage, OutboxStore } from '../storage/types/outbox.js';
import { createLogTransport, createSmtpTransport } from './mail-transport.js';
import type { MailOutcome } from './outbox-delivery.js';
import { createDelivery } from './outbox-delivery.js';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.js';

/** What a flow needs to send mail. */
export interface MailOutbox {
  /**
   * The outbox row for a mail, its values sealed: write it with `AccountWrites.outbox.enqueue` in
   * the transaction of the state change it tells of. A TypeError names values the kind lacks or does not take.
   */
  message(request: MailRequest): OutboxMessage;
  /** The page LINK_* names for `purpose`, with `token` as its `token` query parameter. */
  link(purpose: OneTimePurpose, token: string): string;
  /** Call once the transaction committed: the sender looks for due rows now rather than at its next poll. */
  wake(): void;
}

/** The mail settings a flow reads: features, lifetimes, whether mail goes out at all; no SMTP credentials. */
export type MailSettings = Omit<EmailSettings, 'smtp'>;

export interface Mail {
  outbox: MailOutbox;
  settings: Readonly<MailSettings>;
  /** Undefined when mail is off (production without SMTP_URL, every mail feature off). */
  worker: OutboxWorker | undefined;
}

export interface MailDeps {
  settings: Readonly<EmailSettings>;
  /** deriveKey(secret, 'mail-outbox'). */
  key: Buffer;
  outbox: OutboxStore;
  templates: MailTemplates;
  clock: Clock;
  audit: AuditSink;
  observe: (kind: string, outcome: MailOutcome) => void;
  logger: pino.Logger;
}

/** Mails in flight at once per instance, over as many pooled SMTP connections (mail-transport.ts). */
export const MAIL_CONCURRENCY = 8;

export function createMail(deps: MailDeps): Mail {
  const { smtp, ...settings } = deps.settings;
  const messages = createMailMessages({ key: deps.key, clock: deps.clock, ttlSeconds: settings.ttlSeconds });
  const transport = settings.delivery === 'none' ? undefined : smtp ? createSmtpTransport(smtp, MAIL_CONCURRENCY) : createLogTransport(deps.logger);
  const worker = transport && createOutboxWorker({
    outbox: deps.outbox, clock: deps.clock, log: deps.logger,
    deliverers: [{
      channel: 'mail', concurrency: MAIL_CONCURRENCY, close: () => transport.close(),
      deliver: createDelivery({ ...deps, messages, transport, log: deps.logger, settings }),
    }],
  });
  return {
    outbox: {
      message: messages.message,
      link(purpose, token) {
        const pattern = settings.links[purpose];
        if (pattern === undefined) throw new TypeError(`no link page for ${purpose}: APP_URL is not set`);
        return buildMailLink(pattern, token);
      },
      wake: () => worker?.wake(),
    },
    settings: Object.freeze(settings),
    worker,
  };
}

// How a rendered mail leaves (docs/email.md): over SMTP with nodemailer (SMTP_URL), or, outside
// production without SMTP_URL, into the log as the development outbox (the text with its link).
// No log line or error from here holds the SMTP password. nodemailer (~15 MB) is loaded with the
// first mail, not at start (idle memory, docs/benchmarks.md). SMTP connections are pooled and
// reused, one per mail the worker sends at once.
import type { Transporter } from 'nodemailer';
import type { pino } from 'pino';
import type { SmtpSettings } from '../config/email-settings.js';
import type { RenderedMail } from '../core/email/templates.js';

export interface OutgoingMail extends RenderedMail {
  kind: string;
  from: string;
  to: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  /** The longest a send may take before it fails: the sender's lease is longer than this. */
  readonly timeoutMs: number;
  close(): void;
}

/** nodemailer's timeouts (its defaults are 2 min / 30 s / 10 min: too long for a lease). */
export const SMTP_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 30_000 } as const;

/** `connections`: nodemailer's pool size, one per mail the worker sends at once; each connection is reused for many mails. */
export function createSmtpTransport(smtp: SmtpSettings, connections = 1): MailTransport {
  let transporter: Promise<Transporter> | undefined;
  const open = async () => (await import('nodemailer')).default.createTransport({
    pool: true,
    maxConnections: connections,
    maxMessages: 1000,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // no mail, and no credentials, in clear over a network (config/smtp-tls.ts)
    requireTLS: smtp.requireTls,
    auth: smtp.user === undefined ? undefined : { user: smtp.user, pass: smtp.password ?? '' },
    connectionTimeout: SMTP_TIMEOUTS_MS.connection,
    greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
    socketTimeout: SMTP_TIMEOUTS_MS.socket,
    logger: false,
    debug: false,
  });
  return {
    timeoutMs: SMTP_TIMEOUTS_MS.connection + SMTP_TIMEOUTS_MS.greeting + SMTP_TIMEOUTS_MS.socket,
    async send(mail) {
      try {
        const sender = await (transporter ??= open());
        await sender.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      } catch (error) {
        throw new Error(smtpErrorText(error, smtp));
      }
    },
    close: () => void transporter?.then((sender) => sender.close(), () => undefined),
  };
}

/** The development outbox: one info line per mail with its subject and text, links included. */
export function createLogTransport(logger: Pick<pino.Logger, 'info'>): MailTransport {
  return {
    timeoutMs: 0,
    async send(mail) {
      logger.info({ mail: { kind: mail.kind, to: mail.to, subject: mail.subject, text: mail.text } },
        `development outbox (no SMTP_URL): ${mail.kind} mail to ${mail.to}`);
    },
    close: () => undefined,
  };
}

/** An SMTP failure in one short line (≤ 200 characters), the password masked should a server echo it. */
export function smtpErrorText(error: unknown, smtp: Pick<SmtpSettings, 'password'>): string {
  const { code, responseCode, message } = error as { code?: string; responseCode?: number; message?: string };
  let text = [code, responseCode, String(message ?? error).split('\n')[0]].filter((part) => part !== undefined && part !== '').join(' ');
  if (smtp.password) {
    for (const form of new Set([smtp.password, encodeURIComponent(smtp.password), Buffer.from(smtp.password).toString('base64')])) {
      text = text.split(form).join('***');
    }
  }
  return text.slice(0, 200);
}

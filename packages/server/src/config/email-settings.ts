// The mail settings (docs/email.md, docs/configuration.md "Mail"): how mail goes out (SMTP_URL,
// MAIL_FROM), where mailed links point (APP_URL, LINK_*), which mail features are on, token
// lifetimes and retries. Read by config.ts; SMTP credentials never appear in a message.
import { ConfigError } from './config-error.js';
import { parseDuration } from './env-reader.js';
import { readAllowPlaintext, smtpRequiresTls } from './smtp-tls.js';
import type { OneTimePurpose } from '../storage/types/one-time-tokens.js';

/** How mail leaves: SMTP, the log (the development outbox), or not at all (production without SMTP, every mail feature off). */
export type MailDelivery = 'smtp' | 'log' | 'none';

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps:// (TLS from the first byte); smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  /** smtp:// that must upgrade with STARTTLS or send nothing (config/smtp-tls.ts): not loopback, no SMTP_ALLOW_PLAINTEXT. */
  requireTls: boolean;
  user: string | undefined;
  password: string | undefined;
  /** The URL with its password replaced by ***, for messages and the start banner. */
  display: string;
}

export interface EmailSettings {
  smtp: Readonly<SmtpSettings> | undefined;
  delivery: MailDelivery;
  /** Whether mail can be delivered at all (SMTP, or the development log): the mail routes are on only then. */
  mailEnabled: boolean;
  mailFrom: string;
  /** Where the app's pages are (APP_URL); undefined in production until set. */
  appUrl: string | undefined;
  productName: string;
  /** The page each kind of mailed link opens; the token goes in its `token` query parameter (core/email/links.ts). */
  links: Readonly<Record<OneTimePurpose, string | undefined>>;
  /** MAIL_TEMPLATES_DIR: a folder of template files that replace the shipped ones by name. */
  templatesDir: string | undefined;
  verification: 'off' | 'optional' | 'required';
  passwordReset: boolean;
  magicLink: boolean;
  /** One-time token lifetimes, by purpose. */
  ttlSeconds: Readonly<Record<OneTimePurpose, number>>;
  /** Delivery attempts before a mail is given up (MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
}

type Env = Record<string, string | undefined>;

const LINK_PAGES: Readonly<Record<OneTimePurpose, [variable: string, path: string]>> = {
  verify_email: ['LINK_VERIFY_EMAIL', '/verify-email'],
  reset_password: ['LINK_RESET_PASSWORD', '/reset-password'],
  magic_link: ['LINK_MAGIC_LINK', '/magic-link'],
  change_email: ['LINK_CHANGE_EMAIL', '/confirm-email-change'],
  email_change_cancel: ['LINK_CANCEL_EMAIL_CHANGE', '/cancel-email-change'],
};

/**
 * The links Gatehouse's own pages open (http/pages/account-pages.ts): in production without
 * APP_URL, every mailed link points to PUBLIC_URL's pages (never the /demo page's).
 */
const GATEHOUSE_PAGES: Readonly<Partial<Record<OneTimePurpose, string>>> = {
  verify_email: '/verify-email',
  reset_password: '/reset',
  magic_link: '/magic-link',
  change_email: '/confirm-email-change',
  email_change_cancel: '/cancel-email-change',
};

const TTLS: Readonly<Record<OneTimePurpose, [variable: string, fallback: string]>> = {
  verify_email: ['VERIFY_EMAIL_TTL', '24h'],
  reset_password: ['RESET_PASSWORD_TTL', '30m'],
  magic_link: ['MAGIC_LINK_TTL', '15m'],
  change_email: ['CHANGE_EMAIL_TTL', '24h'],
  email_change_cancel: ['CHANGE_EMAIL_TTL', '24h'], // as long as the change it cancels
};

export function readEmailSettings(env: Env, nodeEnv: string, publicUrl: string | undefined): Readonly<EmailSettings> {
  const value = (name: string) => env[name]?.trim() || undefined;
  const smtp = readSmtpUrl(value('SMTP_URL'), readAllowPlaintext(value('SMTP_ALLOW_PLAINTEXT')));
  const delivery: MailDelivery = smtp ? 'smtp' : nodeEnv === 'production' ? 'none' : 'log';
  const appUrl = readPageUrl('APP_URL', value('APP_URL')) ?? (nodeEnv === 'production' || !publicUrl ? undefined : `${publicUrl}/demo`);
  const purposes = Object.keys(LINK_PAGES) as OneTimePurpose[];
  const ownPage = (purpose: OneTimePurpose) => {
    const page = GATEHOUSE_PAGES[purpose];
    return page !== undefined && publicUrl !== undefined && nodeEnv === 'production' ? `${publicUrl}${page}` : undefined;
  };
  return Object.freeze({
    smtp,
    delivery,
    mailEnabled: delivery !== 'none',
    mailFrom: readMailFrom(value('MAIL_FROM'), nodeEnv, smtp !== undefined),
    appUrl,
    productName: value('PRODUCT_NAME') ?? 'Gatehouse',
    links: Object.freeze(Object.fromEntries(purposes.map((purpose) => {
      const [variable, path] = LINK_PAGES[purpose];
      return [purpose, readPageUrl(variable, value(variable), true) ?? (appUrl === undefined ? ownPage(purpose) : `${appUrl}${path}`)];
    })) as Record<OneTimePurpose, string | undefined>),
    templatesDir: value('MAIL_TEMPLATES_DIR'),
    // on by default only where mail goes somewhere: production without SMTP_URL starts with them off
    verification: oneOf('EMAIL_VERIFICATION', value('EMAIL_VERIFICATION') ?? (delivery === 'none' ? 'off' : 'optional'), ['off', 'optional', 'required'] as const),
    passwordReset: oneOf('PASSWORD_RESET', value('PASSWORD_RESET') ?? (delivery === 'none' ? 'off' : 'on'), ['on', 'off'] as const) === 'on',
    magicLink: oneOf('MAGIC_LINK', value('MAGIC_LINK') ?? (delivery === 'none' ? 'off' : 'on'), ['on', 'off'] as const) === 'on',
    ttlSeconds: Object.freeze(Object.fromEntries(purposes.map((purpose) => {
      const [variable, fallback] = TTLS[purpose];
      return [purpose, readTtl(variable, value(variable) ?? fallback)];
    })) as Record<OneTimePurpose, number>),
    maxAttempts: readMaxAttempts(value('MAIL_MAX_ATTEMPTS')),
  });
}

/**
 * The start's check (compose.ts, and loadConfig's start checks), so the CLI runs without mail
 * settings: in production a mail feature turned on without SMTP_URL (they are off by default
 * there), or mail without APP_URL, stops the start.
 */
export function assertMailDeliverable(settings: EmailSettings, nodeEnv: string): void {
  if (nodeEnv !== 'production') return;
  if (!settings.smtp) {
    const features = mailFeatures(settings);
    if (features.length === 0) return;
    throw new ConfigError('SMTP_URL', `is required when NODE_ENV=production and ${features.map(([name]) => name).join(', ')} `
      + `(they send mail, and are off without SMTP_URL); set SMTP_URL to smtp://user:password@host:587 or smtps://…:465, or turn them off with ${features.map(([, off]) => off).join(' ')}`);
  }
  // without APP_URL the links open Gatehouse's own pages (PUBLIC_URL); without PUBLIC_URL either, each needs a page of the app's
  const missing = (Object.keys(LINK_PAGES) as OneTimePurpose[]).filter((purpose) => settings.links[purpose] === undefined);
  if (missing.length > 0) {
    throw new ConfigError('APP_URL', 'is required when NODE_ENV=production and SMTP_URL is set: mailed links point to the app\'s pages, e.g. https://app.example.com'
      + ` (or set ${missing.map((purpose) => LINK_PAGES[purpose][0]).join(', ')}; or set PUBLIC_URL, and the links open Gatehouse's own pages)`);
  }
}

/** The features that need mail and are on, with the setting that turns each off. */
function mailFeatures(settings: EmailSettings): Array<[on: string, off: string]> {
  const features: Array<[string, string]> = [];
  if (settings.verification !== 'off') features.push([`EMAIL_VERIFICATION=${settings.verification}`, 'EMAIL_VERIFICATION=off']);
  if (settings.passwordReset) features.push(['PASSWORD_RESET=on', 'PASSWORD_RESET=off']);
  if (settings.magicLink) features.push(['MAGIC_LINK=on', 'MAGIC_LINK=off']);
  return features;
}

const SMTP_HINT = 'must be smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]';

/** SMTP_URL, checked and taken apart; a message shows at most the scheme and host, never the credentials. */
function readSmtpUrl(value: string | undefined, allowPlaintext: boolean): SmtpSettings | undefined {
  if (value === undefined) return undefined;
  if (!URL.canParse(value)) throw new ConfigError('SMTP_URL', `${SMTP_HINT}; it is not a valid URL`);
  const url = new URL(value);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError('SMTP_URL', `${SMTP_HINT}; got the scheme "${url.protocol}"`);
  }
  if (!url.hostname) throw new ConfigError('SMTP_URL', `${SMTP_HINT}; it names no host`);
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new ConfigError('SMTP_URL', `${SMTP_HINT}; a path, query or fragment is not read (host ${url.hostname})`);
  }
  const secure = url.protocol === 'smtps:';
  const user = decodeCredential(url.username, url.hostname);
  const password = decodeCredential(url.password, url.hostname);
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const display = `${url.protocol}//${user === undefined ? '' : `${encodeURIComponent(user)}${password === undefined ? '' : ':***'}@`}${url.host}`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return Object.freeze({ host, port, secure, requireTls: smtpRequiresTls({ host, secure }, allowPlaintext), user, password, display });
}

function decodeCredential(encoded: string, host: string): string | undefined {
  if (!encoded) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ConfigError('SMTP_URL', `the user or password for ${host} is not URL-encoded correctly (write % as %25)`);
  }
}

/** "Name <address>" or a bare address. */
const MAIL_FROM = /^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

function readMailFrom(value: string | undefined, nodeEnv: string, hasSmtp: boolean): string {
  if (value === undefined) {
    if (nodeEnv === 'production' && hasSmtp) {
      throw new ConfigError('MAIL_FROM', 'is required when NODE_ENV=production and SMTP_URL is set, e.g. "Example <no-reply@example.com>"');
    }
    return 'Gatehouse <no-reply@localhost>';
  }
  if (!MAIL_FROM.test(value)) throw new ConfigError('MAIL_FROM', `must be an address like no-reply@example.com or "Example <no-reply@example.com>"; got "${value}"`);
  return value;
}

/** APP_URL and the LINK_* patterns: http(s) URLs; a link pattern may carry a query and a fragment (an app's hash route). */
function readPageUrl(variable: string, value: string | undefined, queryAllowed = false): string | undefined {
  if (value === undefined) return undefined;
  const problem = `must be an http(s) URL without credentials${queryAllowed ? '' : ', query or fragment'}, like https://app.example.com/page`;
  if (!URL.canParse(value)) throw new ConfigError(variable, `${problem}; got "${value}"`);
  const url = new URL(value);
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || (!queryAllowed && (url.search || url.hash))) {
    throw new ConfigError(variable, `${problem}; got "${value}"`);
  }
  return queryAllowed ? url.href : url.href.replace(/\/+$/, '');
}

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new ConfigError(variable, `must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

function readTtl(variable: string, value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds < 60) throw new ConfigError(variable, `must be a duration of at least 1m like 15m, 24h or 7d; got "${value}"`);
  return seconds;
}

function readMaxAttempts(value: string | undefined): number {
  if (value === undefined) return 8;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100) {
    throw new ConfigError('MAIL_MAX_ATTEMPTS', `must be a whole number from 1 to 100; got "${value}"`);
  }
  return Number(value);
}

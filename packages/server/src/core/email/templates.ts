// What the mail templates may show and how they are filled (docs/email.md, "Templates"): per kind
// a subject, a text and an HTML body with {{placeholders}}; values are HTML-escaped in the HTML
// body only. The files are read at start by config/mail-templates.ts.
import type { MailKind } from './mail.js';

/** Values every template gets from the settings. */
export const COMMON_VALUES = ['product_name', 'app_url'] as const;

/**
 * What each kind's template shows besides COMMON_VALUES: the flow gives them all (MailRequest.values),
 * except `expires_in`, which the mail layer adds from the token lifetime (outbox-message.ts).
 */
export const KIND_VALUES: Readonly<Record<MailKind, readonly string[]>> = {
  verify_email: ['username', 'email', 'link', 'expires_in'],
  reset_password: ['username', 'email', 'link', 'expires_in'],
  password_reset_notice: ['username', 'email'],
  magic_link: ['username', 'email', 'link', 'code', 'expires_in'],
  change_email_confirm: ['username', 'new_email', 'link', 'expires_in'],
  change_email_notice: ['username', 'email', 'new_email', 'link', 'expires_in'],
  security_change: ['username', 'email', 'change', 'consequence'],
  registration_attempt: ['username', 'email'],
  account_deleted: ['username', 'email'],
};

export const MAIL_KINDS = Object.keys(KIND_VALUES) as MailKind[];

export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export type RenderedMail = MailTemplate;

export interface MailTemplates {
  render(kind: MailKind, values: Readonly<Record<string, string>>): RenderedMail;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholders of `template` that a `kind` mail has no value for. */
export function unknownPlaceholders(kind: MailKind, template: string): string[] {
  const known = new Set<string>([...COMMON_VALUES, ...KIND_VALUES[kind]]);
  return [...template.matchAll(PLACEHOLDER)].map(([, name]) => name!).filter((name) => !known.has(name));
}

/** The template with its values: the subject on one line, the HTML escaped. */
export function renderMail(template: MailTemplate, values: Readonly<Record<string, string>>): RenderedMail {
  return {
    subject: substitute(template.subject, values, (value) => value.replace(/[\r\n]+/g, ' ')),
    text: substitute(template.text, values, (value) => value),
    html: substitute(template.html, values, escapeHtml),
  };
}

function substitute(template: string, values: Readonly<Record<string, string>>, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => encode(values[name] ?? ''));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

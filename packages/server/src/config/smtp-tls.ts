// Whether mail must go over TLS (docs/email.md, "Sending"): credentials and reset links never cross
// a network in clear. smtps:// is TLS from the first byte; smtp:// must upgrade with STARTTLS unless
// the server is on this machine (loopback) or SMTP_ALLOW_PLAINTEXT=true says the network is trusted.
import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

/** Loopback names and addresses: 127.0.0.0/8, ::1 and localhost (RFC 6761 §6.3). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && (bare === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(bare) || bare === '::ffff:127.0.0.1');
}

/** nodemailer's requireTLS: refuse to send when the server offers no STARTTLS. */
export function smtpRequiresTls(smtp: { host: string; secure: boolean }, allowPlaintext: boolean): boolean {
  return !smtp.secure && !allowPlaintext && !isLoopbackHost(smtp.host);
}

/** SMTP_ALLOW_PLAINTEXT: true or false (default false). */
export function readAllowPlaintext(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigError('SMTP_ALLOW_PLAINTEXT', `must be true or false; got "${value}" (true sends mail without TLS to a server that offers none)`);
}

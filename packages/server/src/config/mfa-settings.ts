// The settings of second factors and re-authentication (docs/configuration.md, "Second factors"):
// how recent a sign-in sensitive actions need (REAUTH_MAX_AGE) and the issuer name authenticator
// apps show for a TOTP entry (TOTP_ISSUER). Read by config.ts into Config.mfa.
import { ConfigError } from './config-error.js';

export interface MfaSettings {
  /** Sensitive actions need auth_time within this many seconds (REAUTH_MAX_AGE, default 10m). */
  reauthMaxAgeSeconds: number;
  /** The otpauth:// URI's issuer (TOTP_ISSUER, default "Gatehouse"). */
  totpIssuer: string;
}

type Env = Record<string, string | undefined>;

/** `duration` is config.ts's reader, so durations read and fail alike everywhere. */
export function readMfaSettings(env: Env, duration: (name: string, fallback: string) => number): Readonly<MfaSettings> {
  const reauthMaxAgeSeconds = duration('REAUTH_MAX_AGE', '10m');
  if (reauthMaxAgeSeconds > 86_400) throw new ConfigError('REAUTH_MAX_AGE', 'must be at most 1d: re-authentication is about a recent sign-in');
  const totpIssuer = env.TOTP_ISSUER?.trim() || 'Gatehouse';
  // the issuer is the URI label's prefix, before a colon (Key Uri Format): no colon in it
  if (totpIssuer.length > 64 || /[:\p{Cc}]/u.test(totpIssuer)) {
    throw new ConfigError('TOTP_ISSUER', 'must be at most 64 characters, without ":" or control characters');
  }
  return Object.freeze({ reauthMaxAgeSeconds, totpIssuer });
}

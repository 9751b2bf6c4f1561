// TOTP enrolment (docs/architecture.md, "Factors"): start with a new secret (20 random bytes, RFC
// 4226 §4), shown once as base32, an otpauth:// URI (Google Authenticator's Key Uri Format) and its
// QR code as SVG; confirm with a first code, which also gives the 10 recovery codes, shown once.
import { randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import { base32Encode } from './base32.js';
import type { MfaParts } from './factor-checks.js';
import { generateRecoveryCodes } from './recovery-codes.js';
import { matchTotp, TOTP_DIGITS, TOTP_STEP_SECONDS } from './totp.js';

export interface TotpEnrolmentStart {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export function otpauthUri(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}

async function qrSvg(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode'); // loaded on first use only (idle memory)
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

export function createTotpEnrolment(deps: MfaParts & Pick<CoreDeps, 'clock' | 'audit'>, settings: { totpIssuer: string }) {
  const { factors, secretBox, hashRecoveryCode, clock, audit } = deps;
  return {
    async startTotpEnrolment({ user, claims }: Authenticated, ctx: RequestContext): Promise<TotpEnrolmentStart> {
      const secret = randomBytes(20);
      const started = await factors.startTotp({
        userId: user.id, secret: secretBox.seal(secret, user.id), confirmedAt: null, lastUsedStep: null, createdAt: new Date(clock.now()),
      });
      if (!started) throw new AuthError('totp_already_enrolled', 'TOTP is already set up: remove it first to set up another.');
      const encoded = base32Encode(secret);
      const uri = otpauthUri(settings.totpIssuer, user.username, encoded);
      audit({ type: 'mfa_totp_enrolment_started', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      return { secret: encoded, otpauth_uri: uri, qr_svg: await qrSvg(uri) };
    },

    async confirmTotpEnrolment({ user, claims }: Authenticated, code: string, ctx: RequestContext): Promise<{ recovery_codes: string[] }> {
      const totp = await factors.findTotp(user.id);
      if (!totp) throw new AuthError('totp_not_enrolled', 'Start TOTP enrolment first (POST /users/me/mfa/totp).');
      if (totp.confirmedAt) throw new AuthError('totp_already_enrolled', 'TOTP is already set up.');
      const key = secretBox.open(totp.secret, user.id);
      const step = key && matchTotp(key, code, clock.now());
      if (step === undefined) {
        audit({ type: 'mfa_failed', factor: 'totp', reason: 'invalid_mfa_code', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
        throw new AuthError('invalid_mfa_code', 'The code is incorrect: check the device\'s clock and try the current code.');
      }
      const codes = generateRecoveryCodes();
      if (!(await factors.confirmTotp(user.id, totp.secret, step, codes.map(hashRecoveryCode), new Date(clock.now())))) {
        throw new AuthError('totp_not_enrolled', 'This enrolment was replaced or confirmed meanwhile.');
      }
      audit({ type: 'mfa_enrolled', factor: 'totp', userId: user.id, sessionId: claims.sid, ...auditOrigin(ctx) });
      return { recovery_codes: codes };
    },
  };
}

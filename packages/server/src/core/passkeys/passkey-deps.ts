// What the passkey use cases are built from: the shared core parts, the passkey stores and the
// relying party's settings. compose.ts makes one; each factory names the parts it needs.
import type { CoreDeps } from '../context.js';
import type { AuthMethod } from '../login/amr.js';
import type { PasskeySettings } from '../../config/passkey-settings.js';
import type { PasskeyStore, WebAuthnChallengeStore } from '../../storage/types/passkeys.js';
import type { LoginMethodStore } from '../../storage/types/login-methods.js';

export interface PasskeyDeps extends Pick<CoreDeps, 'users' | 'limits' | 'clock' | 'audit'> {
  passkeys: PasskeyStore;
  challenges: WebAuthnChallengeStore;
  settings: Readonly<PasskeySettings>;
  /** Key of the decoy credential ids an unknown username gets (authentication-options.ts). */
  decoyKey: Buffer;
  /** Removes a passkey only while the account keeps a way to log in (counted under a lock). */
  loginMethods: LoginMethodStore;
}

/** How long a ceremony may take: the challenge's life and the browser's timeout alike. */
export const CEREMONY_SECONDS = 300;

/** Passkeys one user may hold: bounds the rows and the allowCredentials list. */
export const MAX_PASSKEYS_PER_USER = 20;

/** The RFC 8176 method of a passkey: a device-bound key is hardware (hwk), a synced one software (swk). */
export function passkeyFactor(deviceType: 'singleDevice' | 'multiDevice'): 'hwk' | 'swk' {
  return deviceType === 'singleDevice' ? 'hwk' : 'swk';
}

/** A passkey with user verification proves possession and the user (RFC 8176 `user`): multi-factor by itself. */
export function passkeyAmr(deviceType: 'singleDevice' | 'multiDevice'): AuthMethod[] {
  return [passkeyFactor(deviceType), 'user', 'mfa'];
}

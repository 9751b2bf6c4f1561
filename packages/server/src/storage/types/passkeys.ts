// Passkeys (WebAuthn credentials) and the challenges of their ceremonies (docs/architecture.md,
// "Factors"). A challenge is stored only as its SHA-256, lives minutes, and is consumed once by
// compare-and-swap, so a response can be verified at most once; a passkey keeps its public key and
// signature counter.
import type { SingleUseTimes } from './single-use.js';

export type CredentialDeviceType = 'singleDevice' | 'multiDevice';

export interface PasskeyRecord {
  /** Gatehouse's id (UUIDv7): what the API names a passkey by. */
  id: string;
  userId: string;
  /** The WebAuthn credential id, base64url, as the authenticator made it. */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen; 0 for authenticators that keep none. */
  counter: number;
  /** Transports the browser reported (usb, nfc, ble, internal, hybrid…), for allowCredentials hints. */
  transports: string[];
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PasskeyStore {
  /** Throws DuplicatePasskeyError when the credential id is registered already (to anyone). */
  create(passkey: PasskeyRecord): Promise<void>;
  findByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  /** A user's passkeys, oldest first. */
  listForUser(userId: string): Promise<PasskeyRecord[]>;
  /** Renames a passkey of that user; returns the new record, or null when the user has none of that id. */
  rename(userId: string, id: string, name: string): Promise<PasskeyRecord | null>;
  /**
   * Compare-and-swap of a use: stores `counter` and `usedAt` only while the stored counter is still
   * below `counter` (or both are 0: an authenticator without a counter). Of concurrent uses with
   * one counter value exactly one gets true.
   */
  recordUse(id: string, counter: number, usedAt: Date): Promise<boolean>;
  /** Deletes a passkey of that user; returns whether there was one. */
  delete(userId: string, id: string): Promise<boolean>;
}

export type WebAuthnCeremony = 'registration' | 'authentication';

export interface WebAuthnChallengeRecord extends SingleUseTimes {
  /** SHA-256 (hex) of the challenge sent to the browser; the challenge itself is never stored. */
  challengeHash: string;
  ceremony: WebAuthnCeremony;
  /**
   * Registration: the user registering. Authentication: the user a username named (a random id
   * when the name is unknown, so nobody can answer it), or null for discoverable credentials.
   */
  userId: string | null;
}

export interface WebAuthnChallengeStore {
  create(challenge: WebAuthnChallengeRecord): Promise<void>;
  /**
   * Takes the challenge out of the store: answers it only if it was there, of `ceremony` and not
   * expired at `now`. Of concurrent callers exactly one gets it; every later call gets null.
   */
  consume(challengeHash: string, ceremony: WebAuthnCeremony, now: Date): Promise<WebAuthnChallengeRecord | null>;
  /** Deletes challenges that expired before `before`. */
  deleteExpired(before: Date): Promise<number>;
}

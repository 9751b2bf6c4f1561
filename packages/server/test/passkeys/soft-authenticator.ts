// A software WebAuthn authenticator for app.inject tests: ES256 keys from node:crypto, "none"
// attestation, authenticator data and client data built as WebAuthn L3 §6.1 and §5.8.1 lay them
// out, so the server's real verifier checks real signatures. The browser tests use Chromium's own.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor> | Record<string, unknown>;

/** Just enough CBOR (RFC 8949) for an attestation object and a COSE key: integers, strings, bytes, maps. */
function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value) as Array<[Cbor, Cbor]>;
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer) => data.toString('base64url');

export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

export interface CeremonyOptions {
  /** Default: the authenticator's origin. */
  origin?: string;
  /** Whether the user was verified (UV flag). Default true. */
  userVerified?: boolean;
  /** The counter to sign with; default one above the last. */
  counter?: number;
  /** Which credential answers (default: the first allowed, else the first held). */
  credential?: SoftCredential;
  /** Send no userHandle (as for a non-discoverable credential). */
  omitUserHandle?: boolean;
  /** A synced passkey: the backup flags (BE, BS) set. */
  synced?: boolean;
  /** create(): the credential id to make, base64url (default: 32 random bytes). */
  credentialId?: string;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly origin: string, readonly rpId: string, readonly startCounter = 0) {}

  authenticatorData(flags: number, counter: number, attested?: Buffer): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), count, attested ?? Buffer.alloc(0)]);
  }

  clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() with the server's options, as PublicKeyCredential.toJSON(). */
  create(options: { challenge: string; user: { id: string } }, opts: CeremonyOptions = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const rawId = opts.credentialId ? Buffer.from(opts.credentialId, 'base64url') : randomBytes(32);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(rawId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, rawId, cose]);
    const flags = 0x01 | (opts.userVerified === false ? 0 : 0x04) | (opts.synced ? 0x18 : 0) | 0x40;
    const authData = this.authenticatorData(flags, opts.counter ?? this.startCounter, attested);
    const credential = { id: b64url(rawId), privateKey, userHandle: options.user.id, counter: opts.counter ?? this.startCounter };
    this.credentials.push(credential);
    return {
      id: credential.id, rawId: credential.id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, opts.origin)),
        attestationObject: b64url(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get() with the server's options, as PublicKeyCredential.toJSON(). */
  get(options: { challenge: string; allowCredentials?: Array<{ id: string }> }, opts: CeremonyOptions = {}) {
    const allowed = options.allowCredentials?.length ? options.allowCredentials.map((c) => c.id) : undefined;
    const credential = opts.credential ?? this.credentials.find((c) => !allowed || allowed.includes(c.id));
    if (!credential) throw new Error('no credential of this authenticator is allowed');
    const counter = opts.counter ?? (credential.counter === 0 && this.startCounter === 0 ? 0 : credential.counter + 1);
    credential.counter = counter;
    const authData = this.authenticatorData(0x01 | (opts.userVerified === false ? 0 : 0x04) | (opts.synced ? 0x18 : 0), counter);
    const clientData = this.clientData('webauthn.get', options.challenge, opts.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: credential.id, rawId: credential.id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature),
        ...(opts.omitUserHandle ? {} : { userHandle: credential.userHandle }),
      },
    };
  }
}

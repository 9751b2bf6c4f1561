// The passkey routes' JSON schemas: the stored passkey as users see it (never its public key),
// the WebAuthn options as the browser's JSON forms (WebAuthn L3 §5.1.8, parseCreationOptionsFromJSON),
// and the credential a browser answers, bounded so nothing unbounded reaches the verifier.
import { freeText, withNewPair } from '../../schemas.js';

const b64url = (maxLength: number) => ({ type: 'string', maxLength, pattern: '^[A-Za-z0-9_-]*={0,2}$' }) as const;
const text = { type: 'string' } as const;
const credentialDescriptors = {
  type: 'array',
  items: {
    type: 'object',
    properties: { id: text, type: { type: 'string', enum: ['public-key'] }, transports: { type: 'array', items: text } },
    required: ['id', 'type'],
  },
} as const;

export const passkeyName = freeText(64, { minLength: 1 });

export const passkeySchema = {
  $id: 'Passkey',
  type: 'object',
  description: 'A passkey of the user (its public key stays on the server)',
  properties: {
    id: text,
    name: text,
    device_type: { type: 'string', enum: ['singleDevice', 'multiDevice'], description: 'multiDevice: synced between devices' },
    backed_up: { type: 'boolean' },
    transports: { type: 'array', items: text },
    created_at: { type: 'string', format: 'date-time' },
    last_used_at: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['id', 'name', 'device_type', 'backed_up', 'transports', 'created_at', 'last_used_at'],
} as const;

/** A new passkey with the pair of the caller's new session (docs/architecture.md, "Changing a way in"). */
export const passkeyWithPairSchema = withNewPair({
  properties: passkeySchema.properties, required: passkeySchema.required,
  description: 'The new passkey, and the pair of the caller\'s new session',
});

export const creationOptionsSchema = {
  type: 'object',
  description: 'Options for navigator.credentials.create(), in their JSON form (binary values base64url)',
  properties: {
    challenge: text,
    rp: { type: 'object', properties: { name: text, id: text }, required: ['name', 'id'] },
    user: { type: 'object', properties: { id: text, name: text, displayName: text }, required: ['id', 'name', 'displayName'] },
    pubKeyCredParams: { type: 'array', items: { type: 'object', properties: { alg: { type: 'integer' }, type: text }, required: ['alg', 'type'] } },
    timeout: { type: 'integer' },
    attestation: text,
    excludeCredentials: credentialDescriptors,
    authenticatorSelection: {
      type: 'object',
      properties: { residentKey: text, requireResidentKey: { type: 'boolean' }, userVerification: text, authenticatorAttachment: text },
    },
    extensions: { type: 'object', properties: { credProps: { type: 'boolean' } } },
    hints: { type: 'array', items: text },
  },
  required: ['challenge', 'rp', 'user', 'pubKeyCredParams', 'timeout', 'attestation', 'excludeCredentials', 'authenticatorSelection'],
} as const;

export const requestOptionsSchema = {
  type: 'object',
  description: 'Options for navigator.credentials.get(), in their JSON form (binary values base64url)',
  properties: {
    challenge: text, rpId: text, timeout: { type: 'integer' }, userVerification: text, allowCredentials: credentialDescriptors,
  },
  required: ['challenge', 'rpId', 'timeout', 'userVerification', 'allowCredentials'],
} as const;

/** A PublicKeyCredential's toJSON() (WebAuthn L3 §5.1), registration or assertion by `response`'s fields. */
function credentialSchema(response: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    required: ['id', 'rawId', 'type', 'response'],
    properties: {
      id: b64url(1400), rawId: b64url(1400), type: { type: 'string', enum: ['public-key'] },
      response: { type: 'object', required: ['clientDataJSON', ...required], properties: { clientDataJSON: b64url(4096), ...response } },
      authenticatorAttachment: { type: 'string', maxLength: 32 },
      clientExtensionResults: { type: 'object' },
    },
  } as const;
}

export const registrationResponseSchema = credentialSchema({
  attestationObject: b64url(16_384), authenticatorData: b64url(16_384), publicKey: b64url(4096),
  publicKeyAlgorithm: { type: 'integer' }, transports: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 16 } },
}, ['attestationObject']);

export const authenticationResponseSchema = credentialSchema({
  authenticatorData: b64url(4096), signature: b64url(4096), userHandle: { ...b64url(1024), type: ['string', 'null'] },
}, ['authenticatorData', 'signature']);

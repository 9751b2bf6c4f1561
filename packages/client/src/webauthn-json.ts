// The WebAuthn options and credentials in their JSON form (WebAuthn L3 §5.1.8–§5.1.10): the server
// sends binary values as base64url, navigator.credentials wants ArrayBuffers, and answers go back
// as base64url. Browsers have begun to offer this themselves (PublicKeyCredential.
// parseCreationOptionsFromJSON, toJSON), but not all of them yet: these few lines do it everywhere.

export type Base64Url = string;

interface DescriptorJSON { id: Base64Url; type: 'public-key'; transports?: string[] }

export interface CreationOptionsJSON {
  challenge: Base64Url;
  rp: { id?: string; name: string };
  user: { id: Base64Url; name: string; displayName: string };
  pubKeyCredParams: Array<{ alg: number; type: 'public-key' }>;
  timeout?: number;
  excludeCredentials?: DescriptorJSON[];
  authenticatorSelection?: AuthenticatorSelectionCriteria;
  attestation?: AttestationConveyancePreference;
  extensions?: AuthenticationExtensionsClientInputs;
}

export interface RequestOptionsJSON {
  challenge: Base64Url;
  rpId?: string;
  timeout?: number;
  allowCredentials?: DescriptorJSON[];
  userVerification?: UserVerificationRequirement;
}

export function toBuffer(text: Base64Url): ArrayBuffer {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '').padEnd(Math.ceil(text.length / 4) * 4, '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function toBase64Url(buffer: ArrayBuffer | ArrayBufferView): Base64Url {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const descriptor = (d: DescriptorJSON): PublicKeyCredentialDescriptor =>
  ({ id: toBuffer(d.id), type: d.type, transports: d.transports as AuthenticatorTransport[] | undefined });

export function creationOptions(json: CreationOptionsJSON): PublicKeyCredentialCreationOptions {
  return {
    ...json,
    challenge: toBuffer(json.challenge),
    user: { ...json.user, id: toBuffer(json.user.id) },
    excludeCredentials: json.excludeCredentials?.map(descriptor),
  };
}

export function requestOptions(json: RequestOptionsJSON): PublicKeyCredentialRequestOptions {
  return { ...json, challenge: toBuffer(json.challenge), allowCredentials: json.allowCredentials?.map(descriptor) };
}

/** The fields every credential answers with, around its `response`. */
function credentialJSON<R>(credential: PublicKeyCredential, response: R) {
  return {
    id: credential.id, rawId: toBase64Url(credential.rawId), type: 'public-key',
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response,
  };
}

/** A new credential (navigator.credentials.create) as the JSON the server verifies. */
export function registrationJSON(credential: PublicKeyCredential) {
  const response = credential.response as AuthenticatorAttestationResponse;
  return credentialJSON(credential, {
    clientDataJSON: toBase64Url(response.clientDataJSON),
    attestationObject: toBase64Url(response.attestationObject),
    transports: typeof response.getTransports === 'function' ? response.getTransports() : undefined,
  });
}

/** An assertion (navigator.credentials.get) as the JSON the server verifies. */
export function authenticationJSON(credential: PublicKeyCredential) {
  const response = credential.response as AuthenticatorAssertionResponse;
  return credentialJSON(credential, {
    clientDataJSON: toBase64Url(response.clientDataJSON),
    authenticatorData: toBase64Url(response.authenticatorData),
    signature: toBase64Url(response.signature),
    userHandle: response.userHandle ? toBase64Url(response.userHandle) : undefined,
  });
}

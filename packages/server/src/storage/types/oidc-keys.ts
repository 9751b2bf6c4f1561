// The ID-token signing keys (docs/architecture.md, "OpenID Connect tokens and consent"), kept in the SQL database so every instance and
// every restart signs with the same ones. The private key is stored sealed (core/oidc/id-token-keys.ts):
// the store never sees it in the clear.

export interface SealedSigningKey {
  kid: string;
  alg: string;
  /** The PKCS#8 PEM, sealed under a key derived from the master secret. */
  sealedPrivateKey: string;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
}

export interface OidcKeyStore {
  /** Every key, by activation then kid: the same order on every instance. */
  list(): Promise<SealedSigningKey[]>;
  /** A kid that is there already is left as it is. */
  add(key: SealedSigningKey): Promise<void>;
  retire(kid: string, retiredAt: number): Promise<void>;
  delete(kid: string): Promise<void>;
}

// @simplewebauthn/server (~23 MB with its CBOR and ASN.1 parsers), loaded with the first passkey
// ceremony rather than at start: most servers never run one (idle memory, docs/benchmarks.md).
export const webauthn = () => import('@simplewebauthn/server');

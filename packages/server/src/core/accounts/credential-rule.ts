// The rule for changing a way into the account as the use cases receive it (docs/hardening.md,
// "Changing a way in"): the proof before the change and the aftermath after it, built once in
// compose/auth-service.ts and handed to MFA, passkeys, federation, the password and the address flows;
// with it, what the remedies remove (the ways added since the owner last proved a trusted one).
import type { AfterCredentialChange, NotifyOwner } from './credential-aftermath.js';
import type { CredentialProof } from './credential-proof.js';
import type { RemoveUnprovenWays } from './unproven-ways.js';

export interface CredentialRule {
  proof: CredentialProof;
  after: AfterCredentialChange;
  /** The notice and audit alone, for a way in nobody signed in asked for. */
  notify: NotifyOwner;
  removeUnproven: RemoveUnprovenWays;
}

// The passkey routes (docs/architecture.md, "Factors"), registered with one line in app.ts when
// passkeys are on: registering and managing a signed-in user's passkeys, signing in with one, and
// re-authenticating.
import type { FastifyInstance } from 'fastify';
import type { PasskeyService } from '../../../core/passkeys/passkey-service.js';
import { passkeyLoginRoutes } from './login.js';
import { myPasskeysRoutes } from './my-passkeys.js';
import { passkeyRegistrationRoutes } from './registration.js';
import { passkeyStepUpRoutes } from './step-up.js';
import { passkeySchema } from './schemas.js';

export function passkeyRoutes(app: FastifyInstance, passkeys: PasskeyService): void {
  app.addSchema(passkeySchema);
  passkeyRegistrationRoutes(app, passkeys);
  myPasskeysRoutes(app, passkeys);
  passkeyLoginRoutes(app, passkeys);
  passkeyStepUpRoutes(app, passkeys);
}

// The mail flows' routes (docs/email.md), registered when mail can go out (SMTP, or the
// development log): each a schema and one call into core/email/account-service.ts.
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import { verificationRoutes } from './verification.js';
import { passwordResetRoutes } from './password-reset.js';
import { magicLinkRoutes } from './magic-link.js';
import { emailChangeRoutes } from './email-change.js';

export function emailRoutes(app: FastifyInstance, accounts: AccountService): void {
  verificationRoutes(app, accounts);
  passwordResetRoutes(app, accounts);
  magicLinkRoutes(app, accounts);
  emailChangeRoutes(app, accounts);
}

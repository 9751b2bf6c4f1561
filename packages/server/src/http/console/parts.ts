// What the console is built from (docs/console.md): the admin API's own use cases (core/admin), the
// account flows that mail, the audit reader, and read-only views of a user; compose.ts gathers them.
import type { AuthService } from '../../core/auth-service.js';
import type { AdminService } from '../../core/admin/admin.js';
import type { ClientRegistry } from '../../core/oidc/client-registry.js';
import type { AccountExport } from '../../core/accounts/export-account.js';
import type { AuditReader } from '../../core/audit-query.js';
import type { AccountService } from '../../core/email/account-service.js';
import type { UserRecord } from '../../storage/types/stores.js';
import type { Clock } from '../../core/clock.js';
import type { ConsoleWebhooks } from './webhooks.js';

export interface ConsoleParts {
  admin: AdminService;
  /** The admin's own re-authentication before a change (change-gate.ts). */
  auth: Pick<AuthService, 'requireRecentAuth' | 'reauthenticate' | 'authenticate' | 'listSessions' | 'mfa'>;
  /** The OpenID Connect provider's clients (the registry /admin/clients calls). */
  clients: ClientRegistry;
  /** The roles a user may be given (ROLES): the role form offers these. */
  roles: readonly string[];
  /** The mail flows (verification, password reset), when mail can go out. */
  accounts: AccountService | undefined;
  /** The stored audit events; undefined under AUDIT_LOG=off (the console then shows none). */
  auditReader: AuditReader | undefined;
  /** Everything stored about a user, as their own export shows it (no hash, secret or token). */
  describeUser(user: UserRecord): Promise<AccountExport>;
  clock: Clock;
  /** Live sessions of all users; undefined when the session store cannot count them (Redis). */
  countSessions: ((now: Date) => Promise<number>) | undefined;
  /** The webhook endpoints' use cases and delivery log (the ones /admin/webhooks calls); undefined when not served. */
  webhooks: ConsoleWebhooks | undefined;
  /** Mail outbox rows still to deliver, and given up. */
  outboxCounts(): Promise<{ pending: number; failed: number }>;
}

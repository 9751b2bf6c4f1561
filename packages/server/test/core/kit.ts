// The core test kit (docs/architecture.md, "Packages": the core is testable without HTTP): the
// core's parts (CoreDeps) on a temporary SQLite file with a ManualClock and a recording audit
// sink, and the use cases wired as compose/auth-service.ts wires them, to call directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createAuthService, keyedHasher, mfaParts } from '../../src/compose/auth-service.js';
import { storeOptions } from '../../src/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { loadMailTemplates } from '../../src/config/mail-templates.js';
import { passwordSettings, sessionSettings, tokenSettings } from '../../src/config/slices.js';
import type { AuditEvent } from '../../src/core/audit.js';
import { ManualClock } from '../../src/core/clock.js';
import type { CoreDeps, RequestContext } from '../../src/core/context.js';
import type { MailRequest } from '../../src/core/email/mail.js';
import type { Mailer } from '../../src/core/email/mailer.js';
import { createPasswordHasher } from '../../src/core/passwords/hasher.js';
import { createClientFingerprint } from '../../src/core/sessions/fingerprint.js';
import { deriveKey, deriveSigningKeys } from '../../src/core/tokens/keys.js';
import { createTokens } from '../../src/core/tokens/tokens.js';
import { createMail } from '../../src/jobs/mail.js';
import { createStores } from '../../src/storage/create-stores.js';
import { TEST_SECRET } from '../helpers.js';

export const CTX: RequestContext = { ip: '203.0.113.7', ipKey: '203.0.113.7', userAgent: 'kit/1.0' };

export type CoreKit = Awaited<ReturnType<typeof createCoreKit>>;

/**
 * A fresh kit; `env` overrides settings as environment variables would. `events` records every
 * audit event; `mails` every mail a flow composed (its link and code among the values), while the
 * mail itself goes to the real outbox store. Close it with `close()` (node:test's t.after).
 */
export async function createCoreKit(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-core-kit-'));
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent', EMAIL_VERIFICATION: 'off', HASH_QUEUE_PER_ADDRESS: '1000',
    RATE_LIMIT_LOGIN_PER_IP: '1000/1m', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '1000/1m', RATE_LIMIT_REFRESH_PER_IP: '1000/1m',
    RATE_LIMIT_REFRESH_PER_ACCOUNT: '1000/1m', LOGIN_DELAY_MAX: 'off', ...env,
  });
  const stores = await createStores(storeOptions(config, true));
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const events: AuditEvent[] = [];
  const audit = (event: AuditEvent) => void events.push(event);
  const passwords = passwordSettings(config);
  const deps: CoreDeps = {
    users: stores.users, sessions: stores.sessions, sessionAndUser: stores.sessionAndUser, factors: stores.factors,
    loginChallenges: stores.loginChallenges, clock, audit, limits: stores.createRateLimits(config.rateLimits),
    tokens: createTokens(deriveSigningKeys(TEST_SECRET), tokenSettings(config)),
    fingerprint: createClientFingerprint(deriveKey(TEST_SECRET, 'fingerprint')),
    hasher: await createPasswordHasher({ maxConcurrent: 1, queue: { maxWaiting: 100, perAddress: 100 } }),
  };
  const mail = createMail({
    settings: config.email, key: deriveKey(TEST_SECRET, 'mail-outbox'), outbox: stores.outbox, templates: loadMailTemplates(config.email.templatesDir),
    clock, audit, observe: () => undefined, logger: pino({ level: 'silent' }),
  });
  const mails: MailRequest[] = [];
  const mailer: Mailer = { ...mail.outbox, message: (request) => { mails.push(request); return mail.outbox.message(request); } };
  const { auth, accounts } = createAuthService(deps, sessionSettings(config), passwords, {
    email: {
      transaction: stores.transaction, oneTimeTokens: stores.oneTimeTokens, mailer, settings: mail.settings,
      keyedHash: keyedHasher(deriveKey(TEST_SECRET, 'one-time-codes')),
    },
    mfa: { ...mfaParts(stores.factors, TEST_SECRET), settings: config.mfa },
    exportFrom: { passkeys: stores.passkeys, federation: stores.federation },
    waysIn: { passkeys: stores.passkeys, federation: stores.federation, loginMethods: stores.loginMethods },
  });
  return {
    config, stores, deps, clock, events, mails, auth, accounts,
    /** The audit events of one type, in order. */
    eventsOf: <T extends AuditEvent['type']>(type: T) => events.filter((event) => event.type === type) as Array<AuditEvent & { type: T }>,
    /** The claims of an access token, checked as the server checks them. */
    claimsOf: (accessToken: string) => deps.tokens.verifyAccessToken(accessToken, { nowMs: clock.now() }),
    async close() {
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let serial = 0;

/** Registers a fresh user through the core (its password hashed for real); answers the user and first pair. */
export async function registerThroughCore(kit: CoreKit, password = 'correct horse battery staple') {
  serial += 1;
  const username = `kit${serial}_${process.pid}`;
  const result = await kit.auth.register({ username, email: `${username}@example.com`, password }, CTX);
  if (!('user' in result)) throw new Error('registration is pending: the kit runs with EMAIL_VERIFICATION=off');
  return { ...result, password };
}

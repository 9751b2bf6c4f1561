// The `gatehouse user …` commands that change one user: create, set-password, role, delete,
// disable, enable, reset-mfa. Role changes and deletion go through the admin core, as in the admin API:
// ROLES applies and the last active admin is kept.
import { noAudit } from '../core/audit.js';
import { systemClock } from '../core/clock.js';
import { createAccount, setAccountDisabled } from '../core/accounts/create-account.js';
import { setAccountPassword } from '../core/accounts/set-password.js';
import { createUnprovenWaysRemoval } from '../core/accounts/unproven-ways.js';
import { loginKey } from '../core/accounts/user-rules.js';
import { createAdminService, type AdminActor } from '../core/admin/admin.js';
import { commandLineWebhooks } from '../jobs/webhooks.js';
import { createPasswordHasher } from '../core/passwords/hasher.js';
import type { Config } from '../config/config.js';
import type { Stores, UserRecord } from '../storage/types/stores.js';
import type { Flags } from './args.js';
import { CliError, UsageError } from './errors.js';
import { confirm, isTerminal, readNewPassword, type PromptIo } from './prompt.js';

export interface UserCommandContext {
  stores: Stores;
  config: Readonly<Config>;
  io: PromptIo;
}

/** The CLI acts from the machine itself, with no user or session. */
const CLI_ACTOR: AdminActor = { ip: 'local', userAgent: 'gatehouse-cli' };

const sessionsEnded = (n: number) => `${n} session${n === 1 ? '' : 's'} ended`;

/** Refuses a role ROLES does not declare, before anything is read or written. */
export function requireDeclaredRole(role: string, config: Readonly<Config>): void {
  if (!config.roles.includes(role)) throw new UsageError(`--role: '${role}' is not declared in ROLES (${config.roles.join(', ')})`);
}

/** Delete asks first; without a terminal to ask on, --yes must say it. Checked before any work. */
export function requireConfirmable(flags: Flags, io: PromptIo): void {
  if (!flags.yes && !isTerminal(io)) throw new UsageError("'user delete' asks for confirmation: pass --yes when stdin is not a terminal");
}

async function findUser(stores: Stores, flags: Flags): Promise<UserRecord> {
  const user = typeof flags.id === 'string' ? await stores.users.findById(flags.id) : await stores.users.findByLogin(loginKey(String(flags.username)));
  if (!user) throw new CliError(`no user with ${typeof flags.id === 'string' ? `id '${flags.id}'` : `username '${String(flags.username)}'`}`);
  return user;
}

const adminService = ({ stores, config }: UserCommandContext) =>
  createAdminService({
    users: stores.users, sessions: stores.sessions, factors: stores.factors, loginChallenges: stores.loginChallenges,
    clock: systemClock, roles: config.roles, audit: noAudit,
    // a deletion's user.deleted commits with it, as through the admin API (core/webhooks/webhook-rows.ts)
    transaction: stores.transaction, webhooks: commandLineWebhooks(stores.webhooks, systemClock),
  });

export async function createUser(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const password = await readNewPassword(ctx.io);
  const hasher = await createPasswordHasher({ maxConcurrent: ctx.config.hashConcurrency });
  const user = await createAccount({ users: ctx.stores.users, hasher, clock: systemClock }, {
    username: String(flags.username), email: String(flags.email), password,
    fullName: typeof flags['full-name'] === 'string' ? flags['full-name'] : undefined, role: typeof flags.role === 'string' ? flags.role : 'user',
  });
  console.log(`Created user ${user.username} (${user.id}) with role ${user.role}.`);
}

export async function setPassword(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const user = await findUser(ctx.stores, flags);
  const password = await readNewPassword(ctx.io);
  const hasher = await createPasswordHasher({ maxConcurrent: ctx.config.hashConcurrency });
  const ended = await setAccountPassword({
    users: ctx.stores.users, sessions: ctx.stores.sessions, oneTimeTokens: ctx.stores.oneTimeTokens, loginChallenges: ctx.stores.loginChallenges,
    hasher, clock: systemClock, removeUnproven: createUnprovenWaysRemoval({ ...ctx.stores, clock: systemClock, audit: noAudit }),
  }, user.id, password);
  console.log(`Set a new password for ${user.username} (${user.id}); ${sessionsEnded(ended)}.`);
}

export async function setRole(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const user = await findUser(ctx.stores, flags);
  const updated = await adminService(ctx).updateUser(CLI_ACTOR, user.id, { role: String(flags.role) });
  console.log(`User ${updated.username} (${updated.id}) now has role ${updated.role}.`);
}

/** Marks the user's address verified, as an admin vouching for it: no mail is sent. */
export async function verifyEmail(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const user = await findUser(ctx.stores, flags);
  await adminService(ctx).updateUser(CLI_ACTOR, user.id, { emailVerified: true });
  console.log(`The email address of ${user.username} (${user.email}) is now verified.`);
}

export async function deleteUser(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const user = await findUser(ctx.stores, flags);
  const question = `Delete user ${user.username} <${user.email}> (${user.id}) and end all their sessions?`;
  if (!flags.yes && !(await confirm(ctx.io, question))) throw new CliError('nothing was deleted');
  const ended = await adminService(ctx).deleteUser(CLI_ACTOR, user.id);
  console.log(`Deleted user ${user.username} (${user.id}); ${sessionsEnded(ended)}.`);
}

export async function setDisabled(flags: Flags, ctx: UserCommandContext, disabled: boolean): Promise<void> {
  const user = await findUser(ctx.stores, flags);
  await setAccountDisabled({ users: ctx.stores.users, sessions: ctx.stores.sessions, clock: systemClock }, user.id, disabled);
  console.log(`User ${user.username} is now ${disabled ? 'disabled; all their sessions are revoked' : 'enabled'}.`);
}

/** For a user who lost their device and recovery codes: every second factor goes, and every session. */
export async function resetFactors(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const user = await findUser(ctx.stores, flags);
  const ended = await adminService(ctx).resetFactors(CLI_ACTOR, user.id);
  console.log(`Reset the second factors of ${user.username} (${user.id}); ${sessionsEnded(ended)}.`);
}

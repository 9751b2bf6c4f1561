// The webhook events (docs/events.md, "Webhooks"), named as the Standard Webhooks convention has
// it, each derived from an audit event of core/audit.ts: the union stays the one source. `data`
// holds ids and public fields only, never a secret or token.
import type { AuditEvent } from '../audit.js';

export const WEBHOOK_EVENT_TYPES = [
  'user.created', 'user.updated', 'user.deleted', 'user.email_verified', 'user.password_changed', 'user.disabled', 'user.enabled',
  'session.created', 'session.revoked', 'mfa.enrolled', 'mfa.removed', 'identity.linked', 'identity.unlinked',
  'grant.created', 'grant.revoked',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** The webhook events an audit event stands for (none for most). */
export function webhookEventsOf(event: AuditEvent): WebhookEvent[] {
  const user = event.userId;
  const on = (type: WebhookEventType, data: Record<string, unknown>) => [{ type, data }];
  switch (event.type) {
    case 'register':
      return [...on('user.created', { user_id: user }), ...on('session.created', { user_id: user, session_id: event.sessionId, amr: event.amr ?? [] })];
    case 'login_succeeded':
      return on('session.created', { user_id: user, session_id: event.sessionId, amr: event.amr ?? [] });
    case 'logout':
      return on('session.revoked', { user_id: user, session_id: event.sessionId, reason: 'logout', scope: event.scope });
    case 'refresh':
      return event.outcome === 'reused_revoked' ? on('session.revoked', { user_id: user, session_id: event.sessionId, reason: 'reuse' }) : [];
    case 'admin_sessions_revoked':
      return on('session.revoked', { user_id: event.targetUserId, reason: 'admin' });
    case 'password_changed':
    case 'password_reset':
      return on('user.password_changed', { user_id: user });
    case 'email_verified':
      return on('user.email_verified', { user_id: user });
    case 'email_changed':
    case 'profile_updated':
      return on('user.updated', { user_id: user });
    case 'account_deleted':
      return on('user.deleted', { user_id: user });
    case 'admin_user_deleted':
      return on('user.deleted', { user_id: event.targetUserId });
    case 'admin_user_updated':
      return adminUpdate(event.targetUserId, event.changes);
    case 'mfa_enrolled':
    case 'mfa_removed':
      return on(event.type === 'mfa_enrolled' ? 'mfa.enrolled' : 'mfa.removed', { user_id: user, factor: event.factor });
    case 'identity_linked':
    case 'identity_unlinked':
      return on(event.type === 'identity_linked' ? 'identity.linked' : 'identity.unlinked', { user_id: user, provider: event.provider, identity_id: event.identityId });
    case 'consent_granted':
      return on('grant.created', { user_id: user, client_id: event.clientId, scope: event.scope });
    case 'consent_revoked':
      return event.targetUserId === undefined
        ? on('grant.revoked', { user_id: user, client_id: event.clientId, reason: 'user' })
        : on('grant.revoked', { user_id: event.targetUserId, client_id: event.clientId, reason: 'admin' });
    default:
      return [];
  }
}

function adminUpdate(userId: string, changes: { disabled?: boolean; role?: string; emailVerified?: boolean }): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  if (changes.disabled !== undefined) events.push({ type: changes.disabled ? 'user.disabled' : 'user.enabled', data: { user_id: userId } });
  if (changes.emailVerified === true) events.push({ type: 'user.email_verified', data: { user_id: userId } });
  if (changes.role !== undefined) events.push({ type: 'user.updated', data: { user_id: userId, role: changes.role } });
  return events;
}

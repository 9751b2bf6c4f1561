// A mail as an outbox row and back (docs/email.md, "The outbox"): the flows turn a MailRequest
// into an OutboxMessage to write in their transaction; the sender opens a claimed row into the
// request again. The values are sealed (seal.ts): they may hold a one-time token.
import { v7 as uuidv7 } from 'uuid';
import type { OneTimePurpose } from '../../storage/types/one-time-tokens.js';
import type { OutboxMessage } from '../../storage/types/outbox.js';
import type { Clock } from '../clock.js';
import type { MailKind, MailRequest } from './mail.js';
import { seal, unseal } from './seal.js';
import { KIND_VALUES } from './templates.js';

/** The token lifetime a kind's link has, shown as {{expires_in}}. */
const LINK_PURPOSE: Partial<Record<MailKind, OneTimePurpose>> = {
  verify_email: 'verify_email',
  reset_password: 'reset_password',
  magic_link: 'magic_link',
  change_email_confirm: 'change_email',
  change_email_notice: 'email_change_cancel',
};

export interface MailMessages {
  /**
   * The outbox row for a mail: a UUIDv7 id from the clock, the values sealed. Throws a TypeError
   * when `values` are not exactly what the kind's template shows (KIND_VALUES, less expires_in).
   */
  message(request: MailRequest): OutboxMessage;
  /** The request a row was made from; throws when its payload was altered or sealed under another key. */
  open(row: Pick<OutboxMessage, 'id' | 'kind' | 'recipient' | 'payload'>): MailRequest;
}

export interface MailMessageDeps {
  /** deriveKey(secret, 'mail-outbox'). */
  key: Buffer;
  clock: Clock;
  ttlSeconds: Readonly<Record<OneTimePurpose, number>>;
}

export function createMailMessages({ key, clock, ttlSeconds }: MailMessageDeps): MailMessages {
  return {
    message(request) {
      checkValues(request);
      const purpose = LINK_PURPOSE[request.kind];
      const values = purpose === undefined ? request.values : { ...request.values, expires_in: describeDuration(ttlSeconds[purpose]) };
      const now = clock.now();
      const row = { id: uuidv7({ msecs: now }), kind: request.kind, recipient: request.to };
      return { ...row, payload: seal(key, sealContext(row), JSON.stringify(values)), createdAt: new Date(now) };
    },
    open(row) {
      const values = JSON.parse(unseal(key, sealContext(row), row.payload)) as Record<string, string>;
      return { kind: row.kind as MailKind, to: row.recipient, values };
    },
  };
}

/** What a sealed payload is bound to: moved to another row, or its recipient changed, it no longer opens. */
function sealContext(row: Pick<OutboxMessage, 'id' | 'kind' | 'recipient'>): string {
  return `${row.id}\n${row.kind}\n${row.recipient}`;
}

function checkValues(request: MailRequest): void {
  if (!Object.hasOwn(KIND_VALUES, request.kind)) throw new TypeError(`unknown mail kind "${request.kind}"`);
  const wanted = KIND_VALUES[request.kind].filter((name) => name !== 'expires_in');
  const given = Object.keys(request.values);
  const missing = wanted.filter((name) => typeof request.values[name] !== 'string');
  const extra = given.filter((name) => !wanted.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new TypeError(`a ${request.kind} mail takes the values ${wanted.join(', ')}`
      + `${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not shown: ${extra.join(', ')}` : ''}`);
  }
}

/** 86400 → "24 hours", 1800 → "30 minutes", 172800 → "2 days". */
export function describeDuration(seconds: number): string {
  const unit = (count: number, name: string) => `${count} ${name}${count === 1 ? '' : 's'}`;
  if (seconds >= 2 * 86_400 && seconds % 86_400 === 0) return unit(seconds / 86_400, 'day');
  if (seconds >= 3600 && seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  return unit(Math.max(1, Math.floor(seconds / 60)), 'minute');
}

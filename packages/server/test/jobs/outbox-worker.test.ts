// The mail sender (docs/email.md, "The sender") against a real SMTP server and the SQLite outbox:
// it delivers sealed rows rendered, retries a down or refusing server with backoff on the injected
// clock, gives up after MAIL_MAX_ATTEMPTS where metrics, logs and audit show it, never logs the
// SMTP password, and a woken sender delivers at once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp, type TestAppDeps } from '../helpers.js';
import { SmtpSink } from '../mail/smtp-sink.js';

const PASSWORD = 'smtp-pass-Zq81xw';
const TOKEN = 'dG9rZW4tdGhhdC1tdXN0LW5vdC1iZS1zdG9yZWQtaW4tY2xlYXI';

interface Ctx extends TestApp {
  sink: SmtpSink;
  logs: string[];
}

async function setup(t: TestContext, env: Record<string, string> = {}, deps: TestAppDeps = {}): Promise<Ctx> {
  const sink = await SmtpSink.start({ credentials: { user: 'mailer', pass: PASSWORD } });
  t.after(() => sink.stop());
  const logs: string[] = [];
  const ctx = await createTestApp({ LOG_LEVEL: 'info', MAIL_FROM: 'Acme <no-reply@acme.test>', PRODUCT_NAME: 'Acme', ...env },
    { smtp: sink, mailWorker: false, logStream: { write: (line: string) => { logs.push(line); } }, ...deps });
  t.after(() => ctx.close());
  return { ...ctx, sink, logs };
}

/** Writes a verify_email mail for `to` into the outbox, as a flow would. */
async function enqueue(ctx: TestApp, to = 'ada@example.com') {
  const link = ctx.mail.outbox.link('verify_email', TOKEN);
  const message = ctx.mail.outbox.message({ kind: 'verify_email', to, values: { username: 'ada<3', email: to, link } });
  await ctx.stores.outbox.enqueue(message);
  return message;
}

const drain = (ctx: TestApp) => ctx.mail.worker!.drain();

async function metric(ctx: TestApp, series: string): Promise<number | undefined> {
  const text = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const parsed = (logs: string[]) => logs.map((line) => JSON.parse(line) as Record<string, any>);

test('the sender delivers a sealed row: the mail\'s text and HTML hold the rendered values and the link', async (t) => {
  const ctx = await setup(t);
  const message = await enqueue(ctx);
  assert.ok(!message.payload.includes(TOKEN));
  assert.equal(await drain(ctx), 1);
  const mail = await ctx.sink.nextMail('ada@example.com');
  const link = `http://localhost:${ctx.config.port}/demo/verify-email?token=${TOKEN}`;
  assert.equal(mail.subject, 'Confirm your email address for Acme');
  assert.equal(mail.from, '"Acme" <no-reply@acme.test>');
  assert.deepEqual([mail.link, mail.token], [link, TOKEN]);
  assert.match(mail.text, /^Hello ada<3,\n\nplease confirm that ada@example\.com is your address for Acme/);
  assert.match(mail.text, /expires in 24 hours/);
  assert.ok(mail.html.includes(`<a href="${link}">${link}</a>`), mail.html);
  assert.ok(mail.html.includes('Hello ada&lt;3,'), 'values are HTML-escaped in the HTML body');
  assert.deepEqual(ctx.sink.logins, ['mailer']);
  assert.deepEqual(await ctx.stores.outbox.counts(), { pending: 0, failed: 0 });
  assert.equal(await metric(ctx, 'gatehouse_mail_deliveries_total{kind="verify_email",outcome="sent"}'), 1);
  assert.equal(await drain(ctx), 0, 'a sent row is gone');
});

test('the database never holds the token in clear: the payload is sealed until delivery, then deleted', async (t) => {
  const ctx = await setup(t);
  await enqueue(ctx);
  assert.deepEqual(await ctx.stores.outbox.counts(), { pending: 1, failed: 0 });
  const files = readdirSync(ctx.dir).filter((name) => name.startsWith('gatehouse.db'));
  assert.ok(files.length > 0);
  for (const name of files) assert.ok(!readFileSync(join(ctx.dir, name)).includes(TOKEN), `${name} holds the token`);
});

test('SMTP down: retried with backoff on the clock (30 s, then 60 s), delivered once it is back', async (t) => {
  const ctx = await setup(t);
  await ctx.sink.stop();
  const { id } = await enqueue(ctx);
  assert.equal(await drain(ctx), 1);
  assert.equal(await drain(ctx), 0, 'not due again before its retry time');
  ctx.clock.advance(29_999);
  assert.equal(await drain(ctx), 0);
  ctx.clock.advance(1);
  assert.equal(await drain(ctx), 1, 'due after 30 s');
  ctx.clock.advance(59_999);
  assert.equal(await drain(ctx), 0, 'the second retry waits 60 s');
  await ctx.sink.restart();
  ctx.clock.advance(1);
  assert.equal(await drain(ctx), 1);
  assert.equal((await ctx.sink.nextMail('ada@example.com')).token, TOKEN);
  assert.deepEqual(await ctx.stores.outbox.counts(), { pending: 0, failed: 0 });
  const warnings = parsed(ctx.logs).filter((line) => line.msg === 'mail delivery failed; will retry');
  assert.deepEqual(warnings.map((line) => [line.level, line.mail.outboxId, line.mail.kind, line.mail.attempt]), [[40, id, 'verify_email', 1], [40, id, 'verify_email', 2]]);
  assert.match(warnings[0]!.mail.error, /ECONNREFUSED/);
  assert.equal(warnings[0]!.mail.retryAt, new Date(Date.UTC(2026, 0, 1, 12, 0, 30)).toISOString());
  const audits = parsed(ctx.logs).filter((line) => line.audit?.type === 'mail_failed').map((line) => line.audit);
  assert.deepEqual(audits.map((event) => [event.outboxId, event.attempt]), [[id, 1], [id, 2]]);
  assert.equal(await metric(ctx, 'gatehouse_mail_deliveries_total{kind="verify_email",outcome="failed"}'), 2);
  assert.equal(await metric(ctx, 'gatehouse_mail_deliveries_total{kind="verify_email",outcome="sent"}'), 1);
});

test('an SMTP server refusing with 451 is retried, and the mail goes once it accepts', async (t) => {
  const ctx = await setup(t);
  ctx.sink.refuse(451);
  await enqueue(ctx);
  assert.equal(await drain(ctx), 1);
  assert.equal(ctx.sink.mails.length, 0);
  const [failure] = parsed(ctx.logs).filter((line) => line.mail?.error);
  assert.match(failure!.mail.error, /451/);
  ctx.sink.accept();
  ctx.clock.advance(30_000);
  assert.equal(await drain(ctx), 1);
  assert.equal(ctx.sink.mailsTo('ada@example.com').length, 1);
});

test('after MAIL_MAX_ATTEMPTS the mail is given up: no payload kept, and the metric, the log line and the audit event show it', async (t) => {
  const ctx = await setup(t, { MAIL_MAX_ATTEMPTS: '3' });
  ctx.sink.refuse(451);
  const { id } = await enqueue(ctx);
  for (const wait of [0, 30_000, 60_000]) {
    ctx.clock.advance(wait);
    assert.equal(await drain(ctx), 1);
  }
  ctx.clock.advance(24 * 3600_000);
  assert.equal(await drain(ctx), 0, 'a given-up row is never claimed again');
  assert.deepEqual(await ctx.stores.outbox.counts(), { pending: 0, failed: 1 });
  assert.equal(await metric(ctx, 'gatehouse_mail_deliveries_total{kind="verify_email",outcome="given_up"}'), 1);
  assert.equal(await metric(ctx, 'gatehouse_mail_outbox_messages{state="failed"}'), 1);
  assert.equal(await metric(ctx, 'gatehouse_mail_outbox_messages{state="pending"}'), 0);
  const lines = parsed(ctx.logs);
  const givenUp = lines.find((line) => line.msg === 'mail given up after 3 attempt(s)');
  assert.deepEqual({ ...givenUp!.mail, error: undefined }, { outboxId: id, kind: 'verify_email', attempt: 3, error: undefined, retryAt: null });
  assert.equal(givenUp!.level, 40);
  const audit = lines.find((line) => line.audit?.type === 'mail_given_up')?.audit;
  assert.deepEqual({ ...audit, error: undefined }, { type: 'mail_given_up', outboxId: id, kind: 'verify_email', attempt: 3, error: undefined, ip: 'unknown', userAgent: null });
  assert.match(audit.error, /451/);
});

test('a refused login and every other log line keep the SMTP password out', async (t) => {
  const ctx = await setup(t, {}, { smtp: { url: `smtp://mailer:${encodeURIComponent(`${PASSWORD}-wrong`)}@127.0.0.1:1` } });
  const wrong = await createTestApp({ LOG_LEVEL: 'trace', SMTP_URL: `smtp://mailer:wrong-${PASSWORD}@127.0.0.1:${ctx.sink.port}` },
    { mailWorker: false, logStream: { write: (line: string) => { ctx.logs.push(line); } } });
  t.after(() => wrong.close());
  await enqueue(wrong);
  assert.equal(await wrong.mail.worker!.drain(), 1);
  await enqueue(ctx);
  assert.equal(await drain(ctx), 1);
  const failures = parsed(ctx.logs).filter((line) => line.mail?.error).map((line) => line.mail.error as string);
  assert.equal(failures.length, 2);
  assert.match(failures[0]!, /EAUTH 535/);
  assert.match(failures[1]!, /ECONNREFUSED/);
  const everything = ctx.logs.join('\n');
  assert.ok(!everything.includes(PASSWORD), 'no log line holds the SMTP password');
  assert.ok(!everything.includes(Buffer.from(`\0mailer\0wrong-${PASSWORD}`).toString('base64')));
});

test('a running sender delivers at once when woken', async (t) => {
  const ctx = await setup(t, {}, { mailWorker: true });
  await ctx.app.ready();
  await enqueue(ctx, 'bob@example.com');
  ctx.mail.outbox.wake();
  assert.equal((await ctx.sink.nextMail('bob@example.com')).token, TOKEN);
});

test('without SMTP_URL outside production the mail goes to the log with its text and link (the development outbox)', async (t) => {
  const logs: string[] = [];
  const ctx = await createTestApp({ LOG_LEVEL: 'info' }, { mailWorker: false, logStream: { write: (line: string) => { logs.push(line); } } });
  t.after(() => ctx.close());
  await enqueue(ctx);
  assert.equal(await ctx.mail.worker!.drain(), 1);
  const [line] = parsed(logs).filter((entry) => entry.mail);
  assert.equal(line!.msg, 'development outbox (no SMTP_URL): verify_email mail to ada@example.com');
  assert.equal(line!.mail.subject, 'Confirm your email address for Gatehouse');
  assert.ok(line!.mail.text.includes(`/demo/verify-email?token=${TOKEN}`), line!.mail.text);
  assert.deepEqual(await ctx.stores.outbox.counts(), { pending: 0, failed: 0 });
});

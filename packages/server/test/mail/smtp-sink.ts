// A real SMTP server for the tests (smtp-server on 127.0.0.1, a free port): it parses each mail
// with mailparser and lets a test wait for the next mail to an address and take its link or its
// 6-digit code. It can refuse deliveries for a while, and stop and start again on the same port.
import { once } from 'node:events';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server';
import { freePort } from '../helpers.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The first link in the text that carries a `token` query parameter. */
  link: string | undefined;
  /** That link's token. */
  token: string | undefined;
  /** The first 6-digit number in the text outside links (a magic-link code). */
  code: string | undefined;
}

export interface SinkOptions {
  /** When set, AUTH must present exactly these; anything else is 535. */
  credentials?: { user: string; pass: string };
}

interface Waiter {
  to: string;
  resolve: (mail: ReceivedMail) => void;
}

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Every AUTH attempt's user name (never the password), for tests that check the sender logs in. */
  readonly logins: string[] = [];
  private server: SMTPServer | undefined;
  private refusal: { code: number; message: string } | undefined;
  private readonly taken = new Set<ReceivedMail>();
  private waiters: Waiter[] = [];

  private constructor(readonly port: number, private readonly options: SinkOptions) {}

  static async start(options: SinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(await freePort(), options);
    await sink.listen();
    return sink;
  }

  /** SMTP_URL for this sink, with its credentials when it has some. */
  get url(): string {
    const credentials = this.options.credentials;
    const auth = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : '';
    return `smtp://${auth}127.0.0.1:${this.port}`;
  }

  /** Answers every recipient with `code` (a 4xx is temporary) until accept(). */
  refuse(code = 451, message = 'Requested action aborted: try again later'): void {
    this.refusal = { code, message };
  }

  accept(): void {
    this.refusal = undefined;
  }

  /** The next mail to `to` that no earlier call took, as soon as it arrives (at most `timeoutMs`). */
  nextMail(to: string, timeoutMs = 15_000): Promise<ReceivedMail> {
    const address = to.toLowerCase();
    const waiting = this.mails.find((mail) => !this.taken.has(mail) && mail.to.includes(address));
    if (waiting) {
      this.taken.add(waiting);
      return Promise.resolve(waiting);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`no mail to ${to} within ${timeoutMs} ms (${this.mails.length} received in all)`));
      }, timeoutMs);
      const entry: Waiter = { to: address, resolve: (mail) => { clearTimeout(timer); resolve(mail); } };
      this.waiters.push(entry);
    });
  }

  /** Mails received for `to` so far. */
  mailsTo(to: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(to.toLowerCase()));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      authOptional: this.options.credentials === undefined,
      allowInsecureAuth: true,
      closeTimeout: 100,
      onAuth: (auth, _session, callback) => this.authenticate(auth, callback),
      onRcptTo: (_address, _session, callback) => {
        if (!this.refusal) return callback();
        callback(Object.assign(new Error(this.refusal.message), { responseCode: this.refusal.code }));
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((parsed) => {
          this.received(parsed);
          callback();
        }, callback);
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.server = server;
  }

  private authenticate(auth: SMTPServerAuthentication, callback: (err: Error | null | undefined, response?: { user: string }) => void): void {
    this.logins.push(auth.username ?? '');
    const wanted = this.options.credentials;
    if (wanted && (auth.username !== wanted.user || auth.password !== wanted.pass)) {
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      return;
    }
    callback(null, { user: auth.username ?? '' });
  }

  private received(parsed: Awaited<ReturnType<typeof simpleParser>>): void {
    const addresses = (value: typeof parsed.to) => (Array.isArray(value) ? value : value ? [value] : [])
      .flatMap((group) => group.value.map((entry) => (entry.address ?? '').toLowerCase()));
    const text = parsed.text ?? '';
    const link = /https?:\/\/\S*[?&]token=[^\s&]+\S*/.exec(text)?.[0];
    const mail: ReceivedMail = {
      from: parsed.from?.text ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text,
      html: typeof parsed.html === 'string' ? parsed.html : '',
      link,
      token: link === undefined ? undefined : new URL(link).searchParams.get('token') ?? undefined,
      code: /\b(\d{6})\b/.exec(text.replace(/https?:\/\/\S+/g, ' '))?.[1], // not digits inside a link's token
    };
    this.mails.push(mail);
    const waiter = this.waiters.find((entry) => mail.to.includes(entry.to));
    if (waiter) {
      this.waiters = this.waiters.filter((entry) => entry !== waiter);
      this.taken.add(mail);
      waiter.resolve(mail);
    }
  }
}

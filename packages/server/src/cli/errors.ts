// The CLI's own failures and their exit codes: a usage mistake (2), a refusal or cancellation (1,
// or 130 for Ctrl-C as shells report SIGINT). Settings errors (78) and AuthErrors (1) come from elsewhere.

/** A command line the CLI cannot run as written: an unknown command or flag, a missing or bad value. */
export class UsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran but did not do what was asked: no such user, declined, cancelled. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

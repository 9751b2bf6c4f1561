#!/usr/bin/env node
// The `gatehouse` command: serve, secret [--access-key], migrate, keys rotate, user list / create /
// set-password / role / delete / disable / enable / reset-mfa / import (the table is in
// cli/commands.ts). Exit 0 done, 1 refused, 2 usage, 78 setting.
import { AuthError } from './core/errors.js';
import { ConfigError } from './config/config.js';
import { StoreConnectError } from './storage/errors.js';
import { parseCommandLine } from './cli/args.js';
import { COMMANDS } from './cli/commands.js';
import { CliError, UsageError } from './cli/errors.js';
import { USAGE } from './cli/usage.js';

/** Runs one command line; resolves to the exit status, or -1 while the server keeps running. */
export async function runCli(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv, COMMANDS);
  if (line.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (line.kind === 'none') {
    console.error(USAGE);
    return 2;
  }
  return line.command.run(line.flags);
}

/** The exit status of an error the user can act on, or undefined for a bug (printed with its stack). */
function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof UsageError || error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError || error instanceof StoreConnectError) return 78; // EX_CONFIG
  if (error instanceof AuthError) return 1;
  // rotateKeySetFile refuses a key file it cannot use with a TypeError naming the file
  if (error instanceof TypeError && !('code' in error)) return 1;
  return undefined;
}

async function main(): Promise<void> {
  try {
    const code = await runCli(process.argv.slice(2));
    if (code >= 0) process.exitCode = code;
  } catch (error) {
    const code = exitCodeOf(error);
    if (code === undefined) throw error;
    console.error(`gatehouse: ${(error as Error).message}`);
    process.exitCode = code;
  }
}

await main();

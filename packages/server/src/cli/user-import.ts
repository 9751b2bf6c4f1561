// `gatehouse user import FILE|-`: JSON lines (or an Auth0, Firebase or Supabase export with --from)
// checked whole, then written in batches (core/import/). Bad lines go to stderr with their number
// and reason; progress goes to stderr when it is a terminal (docs/migrating.md).
import { createReadStream, readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { systemClock } from '../core/clock.js';
import { importUsers, type ImportResult, type SourceLine } from '../core/import/import-users.js';
import { readJsonLines } from '../core/import/read-lines.js';
import { convertFirebase, convertLines, SOURCES, type Source } from '../core/import/converters/converters.js';
import { parseFirebaseHashConfig, type FirebaseHashConfig } from '../core/import/converters/firebase.js';
import type { Flags } from './args.js';
import { CliError, UsageError } from './errors.js';
import type { UserCommandContext } from './user-commands.js';

/** Checks the flags before any setting is read or file opened. */
export function requireImportFlags(flags: Flags): void {
  if (flags.from !== undefined && !SOURCES.includes(flags.from as Source)) throw new UsageError(`--from must be one of ${SOURCES.join(', ')}`);
  if (flags['hash-config'] !== undefined && flags.from !== 'firebase') throw new UsageError('--hash-config goes with --from firebase');
}

function hashConfig(flags: Flags): FirebaseHashConfig | undefined {
  if (typeof flags['hash-config'] !== 'string') return undefined;
  const parsed = parseFirebaseHashConfig(readFileSync(flags['hash-config'], 'utf8'));
  if (typeof parsed === 'string') throw new CliError(`--hash-config: ${parsed} is missing from ${flags['hash-config']}`);
  return parsed;
}

async function readSource(flags: Flags): Promise<SourceLine[]> {
  const file = String(flags.file);
  const input = file === '-' ? process.stdin : createReadStream(file);
  const from = flags.from as Source | undefined;
  try {
    if (from === 'firebase') return convertFirebase(await text(input), hashConfig(flags));
    const lines = await readJsonLines(input);
    return from ? convertLines(from, lines, systemClock.now()) : lines;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`cannot read ${file}: no such file`);
    if (error instanceof TypeError) throw new CliError(error.message);
    throw error;
  }
}

/** Progress on a terminal only: a pipe or a log gets the summary alone. */
function progress(): ((written: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (written, total) => process.stderr.write(`\rwritten ${written} of ${total} users${written === total ? '\n' : ''}`);
}

function report(result: Extract<ImportResult, { ok: true }>): void {
  for (const { line, reason } of result.skipped) console.error(`skipped line ${line}: ${reason}`);
  const skipped = result.skipped.length > 0 ? `, ${result.skipped.length} skipped` : '';
  console.log(`Imported: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged${skipped}.`);
}

export async function importUserFile(flags: Flags, ctx: UserCommandContext): Promise<void> {
  const source = await readSource(flags);
  if (process.stderr.isTTY) process.stderr.write(`checking ${source.length} users…\n`);
  const result = await importUsers(
    { store: ctx.stores.userImport, sessions: ctx.stores.sessions, clock: systemClock, roles: ctx.config.roles },
    source, { skipInvalid: flags['skip-invalid'] === true, update: flags.update === true, onProgress: progress() },
  );
  if (!result.ok) {
    for (const { line, reason } of result.bad) console.error(`line ${line}: ${reason}`);
    throw new CliError(`nothing was imported: ${result.bad.length} bad line${result.bad.length === 1 ? '' : 's'} (fix them, or pass --skip-invalid to import the rest)`);
  }
  report(result);
}

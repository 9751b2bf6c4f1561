// Reading a command line: the command's words first, then only the flags that command declares.
// Every mistake is a one-line UsageError naming the command or the flag, never parseArgs's own text.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type FlagKind = 'string' | 'boolean';

export interface CommandSpec {
  /** One or two words: `serve`, `user create`. */
  name: string;
  flags: Readonly<Record<string, FlagKind>>;
  /** Flags that must be given. */
  required?: readonly string[];
  /** The command acts on one user, named by exactly one of --username and --id. */
  selectsUser?: boolean;
  /** The one argument besides flags the command takes (`user import FILE`), kept in the flags under this name. */
  argument?: string;
}

export type Flags = Readonly<Record<string, string | boolean | undefined>>;

export type CommandLine<C extends CommandSpec> = { kind: 'help' } | { kind: 'none' } | { kind: 'command'; command: C; flags: Flags };

const SEE_HELP = 'see gatehouse --help';
/** What a user id looks like (http/schemas.ts ID_PATTERN): anything else finds no one, or upsets PostgreSQL. */
const USER_ID = /^[0-9A-Za-z-]{1,64}$/;

/** Parses argv (without node and the script) against the command table. */
export function parseCommandLine<C extends CommandSpec>(argv: readonly string[], commands: readonly C[]): CommandLine<C> {
  const beforeTerminator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (argv[0] === 'help' || beforeTerminator.some((arg) => arg === '--help' || arg === '-h')) return { kind: 'help' };
  if (argv.length === 0) return { kind: 'none' };
  if (argv[0]!.startsWith('-')) throw new UsageError(`unknown flag '${argv[0]}' before a command; ${SEE_HELP}`);
  const { command, words } = findCommand(argv, commands);
  const flags = parseFlags(command, argv.slice(words));
  checkRequired(command, flags);
  return { kind: 'command', command, flags };
}

function findCommand<C extends CommandSpec>(argv: readonly string[], commands: readonly C[]): { command: C; words: number } {
  const [first, second] = argv as [string, string | undefined];
  const pair = second !== undefined && !second.startsWith('-') ? `${first} ${second}` : undefined;
  const exact = commands.find((c) => c.name === pair) ?? commands.find((c) => c.name === first);
  if (exact) return { command: exact, words: exact.name.split(' ').length };
  const subcommands = commands.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.split(' ')[1]);
  if (subcommands.length === 0) throw new UsageError(`unknown command '${first}'; ${SEE_HELP}`);
  if (pair === undefined) throw new UsageError(`'${first}' needs a subcommand: ${subcommands.join(', ')}; ${SEE_HELP}`);
  throw new UsageError(`unknown command '${pair}'; ${SEE_HELP}`);
}

function parseFlags(command: CommandSpec, args: string[]): Flags {
  const options = Object.fromEntries(Object.entries(command.flags).map(([name, type]) => [name, { type }]));
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, string | boolean> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (command.argument === undefined || flags[command.argument] !== undefined) {
        throw new UsageError(`unexpected argument '${token.value}' for '${command.name}'; ${SEE_HELP}`);
      }
      flags[command.argument] = token.value;
      continue;
    }
    if (token.kind !== 'option') continue;
    const kind = command.flags[token.name];
    // declared flags are long only: `-u` is unknown even if a flag starts with u
    if (!kind || token.rawName !== `--${token.name}`) throw new UsageError(`unknown flag '${token.rawName}' for '${command.name}'; ${SEE_HELP}`);
    if (flags[token.name] !== undefined) throw new UsageError(`${token.rawName} is given twice`);
    flags[token.name] = flagValue(token.rawName, kind, token.value, token.inlineValue);
  }
  return flags;
}

function flagValue(flag: string, kind: FlagKind, value: string | undefined, inline: boolean | undefined): string | boolean {
  if (kind === 'boolean') {
    if (value !== undefined) throw new UsageError(`${flag} takes no value`);
    return true;
  }
  // `--username --id x` would otherwise read "--id" as the username
  if (value === undefined || value.trim() === '' || (!inline && value.startsWith('-'))) throw new UsageError(`${flag} needs a value`);
  if (flag === '--id' && !USER_ID.test(value)) throw new UsageError(`--id must be a user id (letters, digits and -); got '${value}'`);
  return value;
}

function checkRequired(command: CommandSpec, flags: Flags): void {
  if (command.selectsUser) {
    if (flags.username === undefined && flags.id === undefined) throw new UsageError(`'${command.name}' needs --username or --id`);
    if (flags.username !== undefined && flags.id !== undefined) throw new UsageError(`'${command.name}' takes --username or --id, not both`);
  }
  const missing = command.required?.find((name) => flags[name] === undefined);
  if (missing !== undefined && missing === command.argument) {
    throw new UsageError(`'${command.name}' needs ${missing.toUpperCase()} (or - for stdin); ${SEE_HELP}`);
  }
  if (missing !== undefined) throw new UsageError(`'${command.name}' needs --${missing}`);
}

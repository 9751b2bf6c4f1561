// Asking on the terminal: a password with hidden input (or the first line of stdin when stdin is
// not a terminal), and a yes/no confirmation. Streams are injected so tests can play a terminal.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { CliError } from './errors.js';

/** Stdin as a terminal may be: `isTTY` and `setRawMode` only exist on one. */
export type PromptInput = Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };

export interface PromptIo {
  input: PromptInput;
  /** Where prompts go: stderr, so stdout stays the command's answer. */
  output: Writable;
}

export const processIo = (): PromptIo => ({ input: process.stdin, output: process.stderr });

export const isTerminal = (io: PromptIo): boolean => io.input.isTTY === true && typeof io.input.setRawMode === 'function';

/** A new password: typed twice, hidden, on a terminal; otherwise the first line of stdin. Never a flag. */
export async function readNewPassword(io: PromptIo): Promise<string> {
  if (!isTerminal(io)) return readFirstLine(io.input);
  const password = await readHidden(io, 'New password: ');
  if ((await readHidden(io, 'Repeat it: ')) !== password) throw new CliError('the two passwords differ; nothing was changed');
  return password;
}

/** True only for y or yes; asked on the terminal. */
export async function confirm(io: PromptIo, question: string): Promise<boolean> {
  const lines = createInterface({ input: io.input, output: io.output, terminal: false });
  io.output.write(`${question} [y/N] `);
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    lines.close();
  }
}

async function readFirstLine(input: Readable): Promise<string> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new CliError('no password on stdin: pipe it in as one line');
}

/** Reads one line in raw mode, echoing nothing. Enter ends it, Backspace erases, Ctrl-C and Ctrl-D cancel. */
export function readHidden(io: PromptIo, prompt: string): Promise<string> {
  const { input, output } = io;
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onEnd = () => finish(new CliError('cancelled: no password given'));
    const onData = (chunk: string | Buffer) => {
      // a key that is not a character (an arrow, F1) arrives as one escape sequence: ignored whole
      if (String(chunk).startsWith('\u001b')) return;
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003') return finish(new CliError('cancelled', 130));
        if (char === '\u0004') return finish(new CliError('cancelled: no password given'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char; // other control characters are dropped
      }
    };
    output.write(prompt);
    input.setEncoding('utf8'); // a character split across chunks arrives whole
    input.setRawMode?.(true);
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}

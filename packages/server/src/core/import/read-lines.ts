// Reading an import's input: JSON lines from a stream (a file, stdin, a request body), numbered
// from 1, blank lines skipped. `maxBytes` bounds what is read (the admin API's limit).
import { AuthError } from '../errors.js';
import type { SourceLine } from './import-users.js';

/** Longest line kept in a reason: a JSON error never echoes a whole line (it may hold a hash). */
const parseError = (error: unknown) => `not JSON: ${(error as Error).message.slice(0, 80)}`;

export async function readJsonLines(stream: AsyncIterable<Buffer | string>, options: { maxBytes?: number; maxLines?: number } = {}): Promise<SourceLine[]> {
  const lines: SourceLine[] = [];
  let bytes = 0;
  let rest = '';
  let number = 0;
  const take = (text: string) => {
    number++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (options.maxLines !== undefined && lines.length >= options.maxLines) throw tooLarge(`at most ${options.maxLines} lines`);
    try {
      lines.push({ line: number, value: JSON.parse(trimmed) as unknown });
    } catch (error) {
      lines.push({ line: number, error: parseError(error) });
    }
  };
  const decoder = new TextDecoder('utf-8'); // streaming: a character split across two chunks stays whole
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (options.maxBytes !== undefined && bytes > options.maxBytes) throw tooLarge(`at most ${options.maxBytes} bytes`);
    const parts = (rest + text).split('\n');
    rest = parts.pop()!;
    for (const part of parts) take(part);
  }
  if (rest !== '') take(rest);
  return lines;
}

function tooLarge(limit: string): AuthError {
  return new AuthError('payload_too_large', `An import takes ${limit}; split the file.`);
}

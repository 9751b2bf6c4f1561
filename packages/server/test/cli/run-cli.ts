// Runs the built `gatehouse` command as a child process with only the given settings (plus PATH
// and HOME), and a temp DATA_DIR per test; what the CLI tests share.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

/** `input` is piped to stdin (so stdin is never a terminal); passwords go there, never in args. */
export function runCli(args: string[], env: Record<string, string>, input?: string): SpawnSyncReturns<string> {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, [CLI, ...args], { env: { PATH, HOME, ...env }, input: input ?? '', encoding: 'utf8' });
}

export function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** stderr without the line every database command starts with (`gatehouse: database …`). */
export const afterDatabaseLine = (stderr: string) => stderr.replace(/^gatehouse: database .*\n/, '');

// config/ is the only reader of process.env (docs/architecture.md, "Configuration"): every other
// server file takes its settings as arguments, so what a part depends on shows in its signature.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('no server file outside config/ reads process.env', () => {
  const readers = sources(SRC).map((file) => relative(SRC, file))
    .filter((file) => !file.startsWith('config/') && /process\.env\b/.test(readFileSync(join(SRC, file), 'utf8')));
  assert.deepEqual(readers, []);
});

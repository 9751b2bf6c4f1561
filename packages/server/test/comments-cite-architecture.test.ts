// Source comments point at the project's own docs/architecture.md by section name, never at the
// design's section numbers or at issue numbers, and every section they name exists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ROOTS = ['packages/server/src', 'packages/server/test', 'packages/server/bench', 'packages/verify/src', 'packages/client/src'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'results' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// This file names the patterns it looks for, so it is not among the files it reads.
const files = ROOTS.flatMap((root) => sources(join(REPO, root))).filter((file) => !file.endsWith('comments-cite-architecture.test.ts'));

test('no source comment cites the design by section number or an issue by number', () => {
  const offenders = files.flatMap((file) => readFileSync(file, 'utf8').split('\n')
    .map((line, i) => ({ line, at: `${file.slice(REPO.length)}:${i + 1}` }))
    .filter(({ line }) => /design §|\bissues? \d+\b/i.test(line))
    .map(({ at }) => at));
  assert.deepEqual(offenders, []);
});

test('every docs/architecture.md section a comment names exists', () => {
  const headings = new Set(readFileSync(join(REPO, 'docs/architecture.md'), 'utf8').split('\n')
    .filter((line) => line.startsWith('## ')).map((line) => line.slice(3).trim()));
  // a citation may wrap onto the comment's next line
  const cited = files.flatMap((file) => [...readFileSync(file, 'utf8').replace(/\n\s*(\/\/|\*) ?/g, ' ').matchAll(/docs\/architecture\.md, "([^"]+)"/g)]
    .map((match) => ({ section: match[1]!, file: file.slice(REPO.length) })));
  assert.ok(cited.length > 0);
  for (const { section, file } of cited) assert.ok(headings.has(section), `${file} cites docs/architecture.md, "${section}", which has no such section`);
});

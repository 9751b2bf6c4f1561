// The README's tour, run as written: the ```sh block under the comment that names this file, run
// twice with bash against one fresh server; each run must print, line for line, what the block's
// "# →" comments say. Needs bash, curl and jq: skipped without them, failed under CI=true. The
// server starts as the tour says, `PUBLIC_URL=http://localhost:3000 npm start`, on a free port
// instead of 3000: its PUBLIC_URL in what the tour prints reads as the README's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, type ServerProcess } from './http/spawn-server.js';
import { freePort } from './helpers.js';

const MARKER = 'readme-walkthrough.test.ts';
const EXPECTATION = /#\s*→\s?(.*)$/;
const RUN_TIMEOUT_MS = 90_000;
/** The PUBLIC_URL the README's tour starts the server with. */
const README_PUBLIC_URL = 'http://localhost:3000';
const TOOLS = ['bash', 'curl', 'jq'];

interface Walkthrough {
  script: string;
  /** Every "# →" value, in order: the lines the script must print. */
  expected: string[];
}

/** The repository's README.md: the first one above this file (src or any build folder) that names this test. */
function readReadme(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'README.md');
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (text.includes(MARKER)) return text;
  }
  throw new Error(`no README.md above ${fileURLToPath(import.meta.url)} mentions ${MARKER}`);
}

/** The first ```sh block after the marker, and the outputs its comments promise. */
function extractWalkthrough(readme: string): Walkthrough {
  const lines = readme.slice(readme.indexOf(MARKER)).split('\n');
  const open = lines.findIndex((line) => line.trim() === '```sh');
  const close = lines.findIndex((line, i) => i > open && line.trim() === '```');
  assert.ok(open >= 0 && close > open, `no \`\`\`sh block follows the ${MARKER} comment in README.md`);
  const block = lines.slice(open + 1, close);
  const expected = block.flatMap((line) => {
    const match = EXPECTATION.exec(line);
    return match ? [match[1]!.trimEnd()] : [];
  });
  return { script: block.join('\n'), expected };
}

function missingTools(): string[] {
  return TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0);
}

interface BashRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` under `bash -euo pipefail` with only PATH, HOME, TMPDIR and `env`; killed by PID after the timeout. */
function runBash(script: string, env: Record<string, string>): Promise<BashRun> {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) base[name] = process.env[name]!;
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const printedLines = (stdout: string): string[] => stdout.replace(/\n$/, '').split('\n').map((line) => line.trimEnd());

const walkthrough = extractWalkthrough(readReadme());

it('the README tour promises its outputs in "# →" comments', () => {
  assert.ok(walkthrough.expected.length >= 15, `only ${walkthrough.expected.length} "# →" comments found`);
  assert.match(walkthrough.script, /^API=\$\{API:-/m, 'the tour must take its API from the environment');
});

const missing = missingTools();
const skip = missing.length > 0 && process.env.CI !== 'true' ? `${missing.join(', ')} not installed (apt-get install ${missing.join(' ')})` : false;
if (skip) console.log(`# skipping the README tour: ${skip}`);

describe('the README tour against a started server', { skip, timeout: 4 * RUN_TIMEOUT_MS }, () => {
  let dir: string;
  let server: ServerProcess;
  let publicUrl: string;

  before(async () => {
    assert.deepEqual(missing, [], `the README tour needs ${missing.join(', ')}: CI must install them`);
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
    const port = await freePort();
    publicUrl = `http://localhost:${port}`;
    server = await start({ DATA_DIR: dir, PORT: String(port), PUBLIC_URL: publicUrl });
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const runAndCompare = async (): Promise<void> => {
    const run = await runBash(walkthrough.script, { API: server.url });
    const context = `bash exited ${run.status}\n--- stderr ---\n${run.stderr}\n${server.output()}`;
    assert.deepEqual(printedLines(run.stdout.replaceAll(publicUrl, README_PUBLIC_URL)), walkthrough.expected, context);
    assert.equal(run.status, 0, context);
  };

  it('prints, line for line, what its "# →" comments say', runAndCompare);

  it('prints the same again when run a second time against the same data', runAndCompare);
});

// requests-oauthlib and Authlib (Python, the Debian packages python3-requests-oauthlib and
// python3-authlib) against the real server on a loopback port: python_clients.py does the password
// grant, /users/me, a refresh with the refresh token alone, revocation and (Authlib) introspection.
// Without the modules the test is skipped with the reason, except under CI=true, where it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerUser } from '../helpers.js';
import { RESOURCE_SERVER, startOAuthServer } from './oauth-server.js';

/** The script stays in test/ (tsc copies no .py): from dist/test/oauth-clients/ back to the sources. */
const SCRIPT = fileURLToPath(new URL('../../../test/oauth-clients/python_clients.py', import.meta.url));
/** Debian's interpreter, which sees Debian's python3-* packages, unless PYTHON names another. */
const PYTHON = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const MISSING = 3;

interface Run {
  /** The exit code, or the spawn error's code (ENOENT: no such interpreter). */
  code: number | string;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

function runScript(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, [SCRIPT, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (error.code ?? -1) : 0;
      const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

test('requests-oauthlib and Authlib log in, read /users/me, refresh with the refresh token alone, introspect and revoke', async (t) => {
  const server = await startOAuthServer(t);
  const user = await registerUser(server.app);
  const run = await runScript([server.baseUrl, user.username, user.password, RESOURCE_SERVER.id, RESOURCE_SERVER.secret]);
  if (run.code === MISSING || run.code === 'ENOENT') {
    const what = run.code === 'ENOENT' ? `${PYTHON} is not installed` : `${PYTHON} lacks the module ${String(run.lines[0]?.missing)}`;
    const reason = `${what}: apt-get install python3-requests-oauthlib python3-authlib`;
    if (process.env.CI === 'true') assert.fail(`${reason} (CI=true requires it)`);
    t.skip(reason);
    return;
  }
  assert.equal(run.code, 0, `${JSON.stringify(run.lines)}\n${run.stderr}`);
  const steps = run.lines.map((line) => `${String(line.library)}: ${String(line.step)}`);
  assert.deepEqual(steps, [
    'requests-oauthlib: password grant', 'requests-oauthlib: users/me', 'requests-oauthlib: refresh with the refresh token alone',
    'requests-oauthlib: revocation',
    'authlib: password grant', 'authlib: users/me', 'authlib: refresh with the refresh token alone', 'authlib: introspection',
    'authlib: revocation',
  ]);
  assert.ok(run.lines.filter((line) => line.step === 'users/me').every((line) => line.username === user.username));
});

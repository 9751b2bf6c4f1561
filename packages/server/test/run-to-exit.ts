// Runs the built server with exactly the given environment (plus PATH) until it exits by itself or
// prints its ready line; for tests of what a start says. Shared by the start tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

export interface Ended {
  /** The exit code, or 'running' when the server printed its ready line (it is then stopped). */
  code: number | null | 'running';
  stdout: string;
  stderr: string;
}

/** Starts main.js in `cwd` with `env`; stops it once ready, so a start that should fail but did not cannot hang a test. */
export function runToExit(env: Record<string, string>, cwd: string, timeoutMs = 30_000): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ready = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!ready && /Gatehouse is running at /.test(stdout)) {
        ready = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: ready ? 'running' : code, stdout, stderr });
    });
  });
}

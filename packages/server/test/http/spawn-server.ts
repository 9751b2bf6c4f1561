// Starts the built server (`src/server/main.js`, found next to this file's compiled copy, so it
// works from dist/ and any other outDir) as a child process for process-level tests, and stops it
// by PID. Only the variables a test passes reach the server, so a REDIS_URL in the test runner's
// environment cannot quietly change the backend under test.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const READY = /Gatehouse is running at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const KEPT_OUTPUT_CHARS = 20_000;

export interface ServerProcess {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  pid: number;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The last part of stdout and stderr, for failure messages. */
  output(): string;
  /** SIGTERM by PID (the graceful close), SIGKILL if it has not ended after a few seconds. */
  stop(): Promise<void>;
  /** SIGKILL by PID at once: a crash. */
  kill(): Promise<void>;
}

/** A 64-hex-character secret, fresh per call. */
export const randomSecret = (): string => randomBytes(32).toString('hex');

/**
 * Starts one server with `env` (plus PATH, HOME and TMPDIR) and `cwd` (give a temp dir, so no
 * stray `.env` is read); resolves once it prints that it is listening, rejects with its output if
 * it exits or stays silent first.
 */
export function start(env: Record<string, string>, options: { cwd?: string; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) base[name] = process.env[name]!;
  const child = spawn(process.execPath, [MAIN], {
    cwd: options.cwd ?? env.DATA_DIR, env: { ...base, HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const keep = (text: string, chunk: Buffer) => (text + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  let running = true;
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve(signal ?? code ?? 0);
    });
  });

  const endWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (!running) return;
    try {
      process.kill(child.pid!, signal);
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => running && process.kill(child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<ServerProcess>((resolve, reject) => {
    let listening = false;
    const timer = setTimeout(() => {
      void endWith('SIGKILL');
      reject(new Error(`the server did not report listening within ${options.timeoutMs ?? START_TIMEOUT_MS} ms\n${output()}`));
    }, options.timeoutMs ?? START_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = keep(stderr, chunk);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = keep(stdout, chunk);
      const match = listening ? null : READY.exec(stdout);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve({
          url: match[1]!, pid: child.pid!, exited, output,
          alive: () => running,
          stop: () => endWith('SIGTERM'),
          kill: () => endWith('SIGKILL'),
        });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`the server could not be spawned: ${error.message}`));
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${how}) before listening\n${output()}`)); // no effect once resolved
    });
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * One JSON request with global fetch, bounded by `timeoutMs` (default 5 s) so a hang fails the
 * test instead of stalling it. `token` goes in as a bearer.
 */
export async function call(
  url: string, method: string, path: string, options: { body?: unknown; token?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${url}${path}`, {
    method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Status and code of an error answer, for one assert. */
export const failure = (answer: Answer): { status: number; code: unknown } => ({ status: answer.status, code: answer.body?.code });

// Child processes of a bench run: each server is started by its own `node` (so its PID is the
// server's, for /proc/PID/status), waited for until it prints its URL, and stopped by PID —
// also when the run fails or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  name: string;
  pid: number;
  url: string;
  process: ChildProcess;
  /** The last lines the child wrote, for error messages. */
  output(): string;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const running = new Set<ChildProcess>();
/** Children being stopped on purpose: their exit is not news. */
const stopping = new WeakSet<ChildProcess>();

/** Starts `node [nodeArgs] script [args]` and resolves when a line matches `ready` (group 1 = URL). */
export function startChild(name: string, script: string, options: {
  args?: string[]; nodeArgs?: string[]; env?: Record<string, string>; ready?: RegExp;
} = {}): Promise<Child> {
  const ready = options.ready ?? /READY (http:\/\/\S+)/;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let tail = '';
  const output = () => tail;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms:\n${tail}`)), READY_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      stopChild(child).finally(() => reject(error));
    };
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      const match = ready.exec(tail);
      if (match && child.pid !== undefined) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (more: Buffer) => { tail = (tail + more.toString()).slice(-4000); });
        child.once('exit', (code, signal) => {
          if (!stopping.has(child)) process.stderr.write(`${name} exited unexpectedly (${code ?? signal}):\n${tail}\n`);
        });
        resolve({ name, pid: child.pid, url: match[1]!, process: child, output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { tail = (tail + chunk.toString()).slice(-4000); });
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tail}`)));
  });
}

/** Runs a child to completion and returns the last line it printed, parsed as JSON. */
export function runChild<T>(name: string, script: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      running.delete(child);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) resolve(JSON.parse(last) as T);
      else reject(new Error(`${name} exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** SIGTERM to the child's PID, then SIGKILL if it has not exited in time. */
export function stopChild(child: ChildProcess | Child): Promise<void> {
  const proc = 'process' in child ? child.process : child;
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return Promise.resolve();
  const pid = proc.pid;
  stopping.add(proc);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { killQuietly(pid, 'SIGKILL'); }, STOP_TIMEOUT_MS);
    proc.once('exit', () => { clearTimeout(timer); resolve(); });
    killQuietly(pid, 'SIGTERM');
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

// An interrupted or crashing run still leaves no server behind.
process.once('exit', () => { for (const child of running) if (child.pid !== undefined) killQuietly(child.pid, 'SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { stopAll().finally(() => process.exit(130)); });
}

/** Resident set size of a process in MB, from /proc/PID/status (Linux). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for PID ${pid}`);
  return Math.round(Number(match[1]) / 1024 * 10) / 10;
}

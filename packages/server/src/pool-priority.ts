// Password hashing runs on libuv's thread pool (argon2's binding queues its work there). Under a
// login flood those threads and the event loop want the same cores, and the loop's answers wait
// for the scheduler. Linux only: other systems keep the default.
//
// HASH_PRIORITY picks how far the pool threads step back:
// - `idle` (default): SCHED_IDLE. The threads run only on CPU time nothing else wants, and the
//   scheduler counts a core that runs only them as free, so it places the event loop and whatever
//   talks to it there. Measured on two cores (docs/benchmarks.md), nice 19 was not enough: the
//   loop and its client were packed onto one core while hashing kept the other. Node has no call
//   for a scheduling policy, so util-linux's `chrt` sets it (it is in every Debian-based image,
//   the Docker image's included); without it the threads fall back to nice 19, and the start log
//   says so.
// - `low`: nice 19, the weakest share of a contended core.
// - `normal`: the threads are left as they are.
//
// The pool's threads cannot be told apart from V8's by name, so each is found from inside: a
// readlink of /proc/thread-self is a file operation, which libuv runs on a pool thread, and it
// resolves to that thread's own id. Rounds of readlinks go on until all `poolSize` threads
// (libuv's UV_THREADPOOL_SIZE) have answered: a round can be drained by fewer threads than the
// pool has, so one round, or a round that finds nothing new, is not proof.
import { execFile } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { promisify } from 'node:util';

export type HashPriority = 'idle' | 'low' | 'normal';

/** What the pool threads got: the threads found, and the policy the kernel now reports for them. */
export interface PoolPriority {
  tids: number[];
  applied: 'SCHED_IDLE' | 'nice 19' | 'unchanged';
  /** Why `idle` fell back to nice 19. */
  fallbackReason?: string;
}

const SCHED_IDLE = 5;
const LOW_NICE = 19;

const MAX_ROUNDS = 200;

/** The thread ids of libuv's pool (at most `poolSize`), found by running readlinks on it; empty where /proc/thread-self is missing. */
export async function poolThreadIds(poolSize: number): Promise<number[]> {
  const found = new Set<number>();
  for (let round = 0; round < MAX_ROUNDS && found.size < poolSize; round++) {
    const links = await Promise.all(Array.from({ length: poolSize * 4 }, () => readlink('/proc/thread-self').catch(() => '')));
    if (links.every((link) => link === '')) break; // no /proc/thread-self here
    for (const link of links) {
      const tid = /\/task\/(\d+)$/.exec(link)?.[1];
      if (tid && Number(tid) !== process.pid) found.add(Number(tid)); // never the event loop's own thread
    }
  }
  return [...found];
}

/** Lowers the pool threads' priority as `priority` says; resolves to what was applied. */
export async function lowerPoolPriority(priority: HashPriority, poolSize: number): Promise<PoolPriority> {
  if (priority === 'normal' || process.platform !== 'linux') return { tids: [], applied: 'unchanged' };
  const tids = await poolThreadIds(poolSize);
  for (const tid of tids) setPriority(tid, LOW_NICE); // also the fallback, should chrt fail
  if (priority === 'low' || tids.length === 0) return { tids, applied: tids.length ? 'nice 19' : 'unchanged' };
  try {
    await Promise.all(tids.map((tid) => run('chrt', ['-i', '-p', '0', String(tid)], { timeout: 5000 })));
    const policies = await Promise.all(tids.map(schedulingPolicy));
    if (policies.some((policy) => policy !== SCHED_IDLE)) throw new Error(`the kernel reports policies ${policies.join(', ')}`);
    return { tids, applied: 'SCHED_IDLE' };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'chrt (util-linux) is not installed' : `chrt failed: ${(error as Error).message.split('\n')[0]}`;
    return { tids, applied: 'nice 19', fallbackReason: reason };
  }
}

const run = promisify(execFile);

/** The thread's scheduling policy: field 41 of /proc/<tid>/stat. */
async function schedulingPolicy(tid: number): Promise<number> {
  const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

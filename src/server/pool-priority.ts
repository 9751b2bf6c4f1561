// Password hashing runs on libuv's thread pool (argon2's binding queues its work there). Under a
// login flood those threads and the event loop want the same cores, and the loop's answers wait
// for the scheduler. Giving the pool threads a higher nice value lets the loop (and everything
// else the machine runs at the default priority) go first; hashing takes the CPU that is left,
// which an idle loop leaves almost whole. Linux only: other systems keep the default.
//
// The pool's threads cannot be told apart from V8's by name, so each is found from inside: a
// readlink of /proc/thread-self is a file operation, which libuv runs on a pool thread, and it
// resolves to that thread's own id. Rounds of readlinks go on until all `poolSize` threads
// (libuv's UV_THREADPOOL_SIZE) have answered: a round can be drained by fewer threads than the
// pool has, so one round, or a round that finds nothing new, is not proof.
import { readlink } from 'node:fs/promises';
import { setPriority } from 'node:os';

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

/** Sets the pool threads' nice value (0 leaves them); resolves to the ids of the threads it set. */
export async function lowerPoolPriority(nice: number, poolSize: number): Promise<number[]> {
  if (nice === 0 || process.platform !== 'linux') return [];
  const tids = await poolThreadIds(poolSize);
  for (const tid of tids) setPriority(tid, nice);
  return tids;
}

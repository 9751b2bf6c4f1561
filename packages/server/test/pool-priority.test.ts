// The hashing threads' priority (pool-priority.ts), in a child process so that the test runner's
// own threads keep theirs (neither nice 19 nor SCHED_IDLE can be undone without privileges). The
// threads it finds are checked against what the kernel says: they are the ones that burn CPU while
// the pool runs pbkdf2, and exactly UV_THREADPOOL_SIZE of them carry the new nice value and policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const MODULE = new URL('../src/pool-priority.js', import.meta.url).href;
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;
// Enough pbkdf2 work for each pool thread to pass the 5-tick (50 ms) mark on every Node under test:
// 400 000 iterations took ≈ 40 ms of CPU on Node 22 and 24 (≈ 60 ms on 20), too close or under.
const PBKDF2_ITERATIONS = 1_200_000;

const CHILD = `
import { lowerPoolPriority } from ${JSON.stringify(MODULE)};
import { pbkdf2 } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
const stat = (tid) => readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ');
const cpu = () => new Map(readdirSync('/proc/self/task').map((tid) => [Number(tid), Number(stat(tid)[11]) + Number(stat(tid)[12])]));
const result = await lowerPoolPriority(process.env.PRIORITY, Number(process.env.UV_THREADPOOL_SIZE));
const before = cpu();
const work = () => new Promise((resolve, reject) => pbkdf2('password', 'salt', ${PBKDF2_ITERATIONS}, 32, 'sha256', (e) => (e ? reject(e) : resolve())));
await Promise.all([work(), work(), work(), work()]);
const busy = [...cpu()].filter(([tid, ticks]) => tid !== process.pid && ticks - (before.get(tid) ?? 0) >= 5).map(([tid]) => tid);
const threads = Object.fromEntries(readdirSync('/proc/self/task').map((tid) => [tid, { nice: Number(stat(tid)[16]), policy: Number(stat(tid)[38]) }]));
console.log(JSON.stringify({ result, busy, threads, main: process.pid }));
`;

interface ChildReport {
  result: { tids: number[]; applied: string; fallbackReason?: string };
  busy: number[];
  threads: Record<string, { nice: number; policy: number }>;
  main: number;
}

function runChild(priority: string, poolSize: number, env: Record<string, string> = {}): ChildReport {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize), PRIORITY: priority, ...env }, encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
}

/** The threads of the report whose nice value and policy are these. */
function threadsWith(report: ChildReport, nice: number, policy: number): number[] {
  return Object.entries(report.threads).filter(([, t]) => t.nice === nice && t.policy === policy).map(([tid]) => Number(tid)).sort();
}

function assertPoolFound(report: ChildReport, poolSize: number): void {
  assert.equal(report.result.tids.length, poolSize, JSON.stringify(report));
  assert.ok(!report.result.tids.includes(report.main), 'never the event loop');
  assert.ok(report.busy.length > 0, 'pbkdf2 burnt CPU on some thread');
  for (const tid of report.busy) assert.ok(report.result.tids.includes(tid), `thread ${tid} ran pool work but was not found`);
  assert.deepEqual(report.threads[String(report.main)], { nice: 0, policy: SCHED_OTHER }, 'the event loop keeps its priority');
}

const linuxOnly = { skip: process.platform !== 'linux' };

test('low: the pool threads, and only they, get nice 19; they are the threads that run pool work', linuxOnly, () => {
  for (const poolSize of [4, 2]) {
    const report = runChild('low', poolSize);
    assertPoolFound(report, poolSize);
    assert.equal(report.result.applied, 'nice 19');
    assert.deepEqual(threadsWith(report, 19, SCHED_OTHER), [...report.result.tids].sort());
  }
});

test('idle: the pool threads, and only they, run under SCHED_IDLE', linuxOnly, () => {
  const report = runChild('idle', 4);
  assertPoolFound(report, 4);
  assert.equal(report.result.applied, 'SCHED_IDLE', JSON.stringify(report.result));
  assert.deepEqual(threadsWith(report, 19, SCHED_IDLE), [...report.result.tids].sort());
  assert.equal(Object.values(report.threads).filter((t) => t.policy === SCHED_IDLE).length, 4, 'no other thread');
});

test('idle without chrt falls back to nice 19 and says why', linuxOnly, () => {
  const report = runChild('idle', 2, { PATH: '/nonexistent' });
  assertPoolFound(report, 2);
  assert.equal(report.result.applied, 'nice 19');
  assert.match(report.result.fallbackReason ?? '', /chrt \(util-linux\) is not installed/);
  assert.deepEqual(threadsWith(report, 19, SCHED_OTHER), [...report.result.tids].sort());
});

test('normal leaves every thread as it was', linuxOnly, () => {
  const report = runChild('normal', 2);
  assert.deepEqual(report.result, { tids: [], applied: 'unchanged' });
  assert.deepEqual(threadsWith(report, 0, SCHED_OTHER), Object.keys(report.threads).map(Number).sort());
});

// The hashing threads' priority (pool-priority.ts), in a child process so that the test runner's
// own threads keep theirs (a nice value cannot be lowered again without privileges). The threads
// it finds are checked against what the kernel says: they are the ones that burn CPU while the
// pool runs pbkdf2, and exactly UV_THREADPOOL_SIZE of them carry the new nice value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const MODULE = new URL('../../src/server/pool-priority.js', import.meta.url).href;

const CHILD = `
import { lowerPoolPriority } from ${JSON.stringify(MODULE)};
import { pbkdf2 } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
const stat = (tid) => readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ');
const cpu = () => new Map(readdirSync('/proc/self/task').map((tid) => [Number(tid), Number(stat(tid)[11]) + Number(stat(tid)[12])]));
const tids = await lowerPoolPriority(7, Number(process.env.UV_THREADPOOL_SIZE));
const before = cpu();
const work = () => new Promise((resolve, reject) => pbkdf2('password', 'salt', 400000, 32, 'sha256', (e) => (e ? reject(e) : resolve())));
await Promise.all([work(), work(), work(), work()]);
const busy = [...cpu()].filter(([tid, ticks]) => tid !== process.pid && ticks - (before.get(tid) ?? 0) >= 5).map(([tid]) => tid);
const nice = Object.fromEntries(readdirSync('/proc/self/task').map((tid) => [tid, Number(stat(tid)[16])]));
console.log(JSON.stringify({ tids, busy, nice, main: process.pid }));
`;

interface ChildReport {
  tids: number[];
  busy: number[];
  nice: Record<string, number>;
  main: number;
}

function runChild(poolSize: number): ChildReport {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) }, encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
}

test('the pool threads, and only they, get the nice value; they are the threads that run pool work', { skip: process.platform !== 'linux' }, () => {
  for (const poolSize of [4, 2]) {
    const report = runChild(poolSize);
    assert.equal(report.tids.length, poolSize, JSON.stringify(report));
    assert.ok(!report.tids.includes(report.main), 'never the event loop');
    assert.ok(report.busy.length > 0, 'pbkdf2 burnt CPU on some thread');
    for (const tid of report.busy) assert.ok(report.tids.includes(tid), `thread ${tid} ran pool work but was not found`);
    const reniced = Object.entries(report.nice).filter(([, nice]) => nice === 7).map(([tid]) => Number(tid)).sort();
    assert.deepEqual(reniced, [...report.tids].sort());
    assert.equal(report.nice[String(report.main)], 0);
  }
});

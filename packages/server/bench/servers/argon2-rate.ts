// The hash limit login is measured against: argon2id verify with the server's parameters, kept
// `concurrency` deep (the server's HASH_CONCURRENCY) for `seconds` after a warm-up, on libuv's
// pool as in the server. Prints {"verifiesPerSecond": n, ...} as its last line.
import argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../../src/core/passwords/hasher.js';

const [concurrency = 4, seconds = 10, warmupSeconds = 2] = process.argv.slice(2).map(Number);
const PASSWORD = 'correct horse battery staple';

async function verifyFor(hash: string, ms: number): Promise<{ count: number; ms: number }> {
  const start = performance.now();
  const deadline = start + ms;
  let count = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      if (!(await argon2.verify(hash, PASSWORD))) throw new Error('verify failed');
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { count, ms: performance.now() - start };
}

const hash = await argon2.hash(PASSWORD, ARGON2_OPTIONS);
await verifyFor(hash, warmupSeconds * 1000);
const { count, ms } = await verifyFor(hash, seconds * 1000);
const verifiesPerSecond = Math.round((count / ms) * 10_000) / 10;
console.log(JSON.stringify({ concurrency, verifies: count, seconds: ms / 1000, verifiesPerSecond }));

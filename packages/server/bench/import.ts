// `npm run bench:import [USERS]`: the import case alone (bench/lib/import-case.ts), without the
// servers of the full bench: generated users into a fresh SQLite database, in users per second.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMPORT_TARGET_USERS_PER_SECOND, IMPORT_USERS, measureImport } from './lib/import-case.js';

const users = Number(process.argv[2] ?? IMPORT_USERS);
if (!Number.isInteger(users) || users < 1) throw new TypeError('bench:import takes a number of users, e.g. 100000');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-import-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const load = loadavg().map((n) => n.toFixed(2)).join(', ');
const result = await measureImport(dir, users);
const verdict = result.usersPerSecond >= IMPORT_TARGET_USERS_PER_SECOND ? 'meets' : 'misses';
console.log(`import: ${result.users} users in ${result.seconds} s = ${result.usersPerSecond} users/s on SQLite `
  + `(${verdict} the target of ${IMPORT_TARGET_USERS_PER_SECOND}); load average at start ${load}`);

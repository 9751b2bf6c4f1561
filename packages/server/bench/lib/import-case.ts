// The import case (docs/migrating.md, "Speed"): `gatehouse user import` of a generated file of
// users with bcrypt, PBKDF2 and scrypt hashes into a fresh SQLite database, timed as an operator
// sees it (the whole command: start, migrations, checks, writes). Target: ≥ 5,000 users/s at 100 k.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IMPORT_USERS = 100_000;
export const IMPORT_TARGET_USERS_PER_SECOND = 5_000;

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

/** Stored as given, never computed: the case measures writing rows, as an import does. */
const HASHES = [
  '$2a$10$Rr/y3U.R75ceBNl8lCtDOuET0OdZKEe7/3ptNJ/9Mus.L/zsWcJwa',
  '$pbkdf2-sha256$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$DPzdis7ocyUDShmeIZZrGaKpk0OkukkrG1SmI3/9lec',
  '$scrypt$ln=16384,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$AozBoTKpWkZhJ8/UQ43qUEXyQpc6iQuymqMFyG7J+Zg=',
];

export interface ImportResult {
  users: number;
  seconds: number;
  usersPerSecond: number;
}

async function writeUsers(path: string, users: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < users; i++) {
    const line = JSON.stringify({
      email: `user${i}@example.com`, full_name: `User ${i}`, email_verified: i % 2 === 0,
      created_at: 1_600_000_000_000 + i * 1000, password_hash: HASHES[i % HASHES.length],
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Imports `users` generated users into a fresh SQLite database in `dir` with the CLI, and times it. */
export async function measureImport(dir: string, users = IMPORT_USERS): Promise<ImportResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'users.jsonl');
  await writeUsers(file, users);
  const { PATH, HOME } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'user', 'import', file], {
    env: { PATH, HOME, DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'import.db')}` }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || !stdout.startsWith(`Imported: ${users} created`)) throw new Error(`the import failed (exit ${code}): ${stdout}`);
  return { users, seconds: Math.round(seconds * 100) / 100, usersPerSecond: Math.round(users / seconds) };
}

// The admin console's cases of the scale bench (docs/benchmarks.md, "Scale"): the user list, a
// search by a full email (the rarest match: one user) and a user's page, each loaded with the
// browser session of a seeded admin. The first seeded user is made the admin in the database
// before the server starts, then signs in through the sign-in page as a browser would.
import { connectSql } from '../../src/storage/sql/connect.js';
import { BENCH_PASSWORD } from './gatehouse.js';
import { CONNECTIONS } from './cases.js';
import type { Side } from './load.js';

export const CONSOLE_CASES = ['GET /admin/console/users', 'GET /admin/console/users?q=<email>', 'GET /admin/console/users/:id'] as const;
export type ConsoleCase = (typeof CONSOLE_CASES)[number];

export interface ConsoleTarget {
  url: string;
  /** The admin's browser session (Cookie header). */
  cookie: string;
  /** The last seeded user: the one searched for and shown. */
  user: { id: string; email: string };
}

const ADMIN = 'seed0';

/** Gives seed0 the admin role and answers the last seeded user (seed<rows-1>), before the server starts. */
export async function prepareConsole(databaseUrl: string, rows: number): Promise<ConsoleTarget['user']> {
  const conn = await connectSql(databaseUrl);
  try {
    await conn.db.updateTable('users').set({ role: 'admin' }).where('username_key', '=', ADMIN).execute();
    const last = await conn.db.selectFrom('users').select(['id', 'email']).where('username_key', '=', `seed${rows - 1}`).executeTakeFirstOrThrow();
    return { id: last.id, email: last.email };
  } finally {
    await conn.db.destroy();
  }
}

/** Signs seed0 in through GET and POST /signin; answers the cookies the browser would then send. */
export async function consoleCookie(baseUrl: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const page = await fetch(`${baseUrl}/signin`);
  keep(page);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on /signin');
  const signedIn = await fetch(`${baseUrl}/signin`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ csrf, login: ADMIN, password: BENCH_PASSWORD }).toString(),
  });
  keep(signedIn);
  if (signedIn.status !== 303) throw new Error(`the bench admin could not sign in: ${signedIn.status}`);
  const check = await fetch(`${baseUrl}/admin/console/users`, { headers: { cookie: cookie() }, redirect: 'manual' });
  if (check.status !== 200) throw new Error(`the console answered ${check.status} to the bench admin`);
  return cookie();
}

export function consoleSide(name: ConsoleCase, t: ConsoleTarget): Side {
  const path = name === 'GET /admin/console/users' ? '/admin/console/users'
    : name === 'GET /admin/console/users?q=<email>' ? `/admin/console/users?q=${encodeURIComponent(t.user.email)}`
      : `/admin/console/users/${t.user.id}`;
  return { url: `${t.url}${path}`, options: { connections: CONNECTIONS, headers: { cookie: t.cookie } } };
}

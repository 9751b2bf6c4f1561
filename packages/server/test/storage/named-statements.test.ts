// The hot queries on PostgreSQL as named prepared statements (src/storage/sql/named-statements.ts):
// prepared once per connection, prepared again when a migration changes their result, and run
// unnamed when the server keeps losing them (a pooler in transaction mode). On a real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connectSql } from '../../src/storage/sql/connect.js';
import { migrateToLatest } from '../../src/storage/sql/migrations.js';
import { namedStatement } from '../../src/storage/sql/named-statements.js';
import { prepareFirst } from '../../src/storage/sql/prepared.js';
import { postgres, unavailable } from './backends.js';

const skip = unavailable('POSTGRES_URL');

describe('PostgreSQL named statements', { skip }, () => {
  let schema: { url: string; drop(): Promise<void> };
  let pool: pg.Pool; // one connection: what it has prepared is what pg_prepared_statements shows
  const prepared = async () => (await pool.query<{ statement: string }>(
    "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'gatehouse\\_%' ORDER BY prepare_time")).rows.map((r) => r.statement);

  before(async () => {
    schema = await postgres.create();
    pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    await pool.query("CREATE TABLE t (id text PRIMARY KEY, v text NOT NULL); INSERT INTO t VALUES ('a', 'one')");
  });
  after(async () => {
    await pool?.end();
    await schema?.drop();
  });

  test('a query is prepared once, by name, on its connection', async () => {
    const sql = 'SELECT v FROM t WHERE id = $1';
    const read = namedStatement(pool, sql);
    assert.deepEqual((await read(['a'])).rows, [{ v: 'one' }]);
    assert.deepEqual((await read(['b'])).rows, []);
    assert.deepEqual(await prepared(), [sql]);
  });

  test('a column added under a prepared SELECT * (a newer instance migrating) is read through, prepared again', async () => {
    const read = namedStatement(pool, 'SELECT * FROM t WHERE id = $1 AND v IS NOT NULL');
    await read(['a']);
    await pool.query('ALTER TABLE t ADD COLUMN w text');
    try {
      assert.deepEqual((await read(['a'])).rows, [{ id: 'a', v: 'one', w: null }]);
      assert.deepEqual((await read(['a'])).rows, [{ id: 'a', v: 'one', w: null }]);
    } finally {
      await pool.query('ALTER TABLE t DROP COLUMN w');
    }
  });

  test('statements the server loses (a pooler in transaction mode) run unnamed from then on', async () => {
    const sql = 'SELECT v || $1 AS v FROM t';
    const read = namedStatement(pool, sql);
    await read(['!']);
    await pool.query('DEALLOCATE ALL');
    assert.deepEqual((await read(['?'])).rows, [{ v: 'one?' }]);
    assert.deepEqual((await read(['.'])).rows, [{ v: 'one.' }]);
    assert.deepEqual(await prepared(), [], 'not prepared again');
  });

  test('any other error is the caller\'s, and is not retried', async () => {
    const read = namedStatement(pool, 'INSERT INTO t VALUES ($1, $2)');
    await assert.rejects(read(['a', 'again']), { code: '23505' });
    assert.equal((await pool.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 1);
    // one that a second run would get through: the sequence's second value divides by 1, not 0
    await pool.query('CREATE SEQUENCE once');
    const divide = namedStatement(pool, "SELECT 1 / (nextval('once') - 1) AS q");
    await assert.rejects(divide([]), { code: '22012' });
    assert.equal((await pool.query('SELECT last_value::int AS n FROM once')).rows[0].n, 1, 'run once');
  });

  test('the stores\' hot reads go through it', async () => {
    const conn = await connectSql(schema.url);
    try {
      await migrateToLatest(conn.db, (await conn.pgPool!.query('SELECT current_schema() AS s')).rows[0].s);
      const byId = prepareFirst(conn, conn.db.selectFrom('users').selectAll().where('id', '=', '?'));
      assert.equal(await byId('nobody'), undefined);
      // serial use: the pool hands back the connection it just had (its idle list is LIFO)
      const { rows } = await conn.pgPool!.query("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'gatehouse\\_%'");
      assert.deepEqual(rows.map((r: { statement: string }) => r.statement), ['select * from "users" where "id" = $1']);
    } finally {
      await conn.db.destroy();
    }
  });
});

// Kysely, loaded from its CommonJS build. Its ESM build is some 260 modules, and Node keeps a
// module record for each: the CommonJS build holds the same code in about 3 MB less memory, which
// counts against the idle-memory target (docs/benchmarks.md). Types still come from 'kysely' itself.
import { createRequire } from 'node:module';

const kysely = createRequire(import.meta.url)('kysely') as typeof import('kysely');

export const { CompiledQuery, Kysely, Migrator, MysqlAdapter, MysqlDialect, PostgresAdapter, PostgresDialect, SqliteDialect, sql } = kysely;
export type Kysely<DB> = import('kysely').Kysely<DB>;
export type Migrator = import('kysely').Migrator;

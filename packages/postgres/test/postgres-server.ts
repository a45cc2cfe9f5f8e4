import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { testServiceUrl } from '@portico/testing';
import { Client, escapeIdentifier, type Pool } from 'pg';

/** The server the tests use: `PORTICO_TEST_PG_URL`, else the local default. */
export const TEST_PG_URL = testServiceUrl('postgres');

/**
 * The PostgreSQL probe of `describeWithServices`: connects and runs `SELECT 1`, giving up after
 * 2 s, so a server that answers but refuses the user or lacks the database counts as missing.
 *
 * @example
 * ```ts
 * await describeWithServices('postgresStorage migrations', { postgres: postgresAnswers }, () => { it(...); });
 * ```
 */
export async function postgresAnswers(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  // A connection that breaks after connecting; the failing call reports it.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh, random schema name for one test run.
 *
 * @example
 * ```ts
 * const storage = postgresStorage({ pool }, { schema: throwawaySchema() });
 * ```
 */
export function throwawaySchema(): string {
  return `portico_test_${randomBytes(6).toString('hex')}`;
}

/**
 * Drops a test schema and everything in it.
 *
 * @example
 * ```ts
 * afterAll(() => dropSchema(pool, schema));
 * ```
 */
export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
}

/**
 * The tables of a schema, as quoted qualified names.
 *
 * @example
 * ```ts
 * const tables = await tablesOf(pool, schema); // ['"portico_test_…"."deliveries"', …]
 * ```
 */
export async function tablesOf(pool: Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    [schema],
  );
  return rows.map((row) => `${escapeIdentifier(schema)}.${escapeIdentifier(row.name)}`);
}

/**
 * Every row of every table of `schema`, as text: `pg_dump --data-only` when it runs, else a
 * `SELECT` of each row as text.
 *
 * @example
 * ```ts
 * expect(await dumpSchema(pool, schema)).not.toContain(apiKey);
 * ```
 */
export async function dumpSchema(pool: Pool, schema: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('pg_dump', ['--dbname', TEST_PG_URL, '--schema', schema, '--data-only'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch {
    // No pg_dump here, or one of another major version than the server's.
    const lines: string[] = [];
    for (const table of await tablesOf(pool, schema)) {
      const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} AS t`);
      lines.push(table, ...rows.map(({ row }) => row));
    }
    return lines.join('\n');
  }
}

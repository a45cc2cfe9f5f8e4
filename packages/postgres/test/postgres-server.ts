import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client, escapeIdentifier, type Pool } from 'pg';
import { describe, it } from 'vitest';

/** The server the tests use: `PORTICO_TEST_PG_URL`, else the local default. */
export const TEST_PG_URL = process.env.PORTICO_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

const PROBE_TIMEOUT_MS = 2000;

/** The URL without its password, fit for a message. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * Whether a PostgreSQL server answers at `url` within a short timeout.
 *
 * @example
 * ```ts
 * if (!(await pgAvailable())) console.warn('no server');
 * ```
 */
export async function pgAvailable(url = TEST_PG_URL): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await pgAvailable();

/**
 * A `describe` block that needs a PostgreSQL server. Without one it is skipped, LOUDLY, unless
 * `CI=true`, where it fails: a CI run must never pass by testing nothing.
 *
 * @example
 * ```ts
 * describeWithPostgres('postgresStorage migrations', () => { it(...); });
 * ```
 */
export function describeWithPostgres(name: string, body: () => void): void {
  const missing =
    `no PostgreSQL answered at ${shownUrl(TEST_PG_URL)}. ` +
    'Point the tests at a server with PORTICO_TEST_PG_URL=postgres://user:password@host:5432/database';
  if (!available && process.env.CI === 'true') {
    describe(name, () => {
      it('reaches PostgreSQL (required when CI=true)', () => {
        throw new Error(`${name}: ${missing}`);
      });
    });
    return;
  }
  if (!available) console.warn(`\n!!! SKIPPED ${name}: ${missing}\n`);
  describe.skipIf(!available)(available ? name : `${name} (SKIPPED: ${missing})`, body);
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

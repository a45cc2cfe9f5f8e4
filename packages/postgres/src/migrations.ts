import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from './queries';
import type { Tables } from './tables';

/** One step of the schema; run with `search_path` set to Portico's schema. */
interface Migration {
  version: number;
  sql: string;
}

/**
 * Forward-only: a released migration is never edited; every change is a new one at the end.
 * Ids and key hashes compare byte-wise (`COLLATE "C"`), as every Portico store orders them.
 */
const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE integrations (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL,
        description text NOT NULL,
        endpoint_url text,
        headers jsonb NOT NULL,
        sealed_headers text,
        status text NOT NULL,
        rate_limit integer NOT NULL,
        signature_scheme text,
        sealed_secret text,
        key_hash text COLLATE "C" NOT NULL,
        key_prefix text NOT NULL,
        previous_key_hash text COLLATE "C",
        previous_key_expires_at bigint,
        failing boolean NOT NULL,
        created_by text NOT NULL,
        created_at bigint NOT NULL,
        updated_by text,
        updated_at bigint,
        version integer NOT NULL
      );
      CREATE INDEX integrations_by_creation ON integrations (created_at, id);

      -- Current and previous key hashes share one primary key, so no hash can belong to two integrations.
      CREATE TABLE integration_key_hashes (
        key_hash text COLLATE "C" PRIMARY KEY,
        integration_id text COLLATE "C" NOT NULL REFERENCES integrations (id) ON DELETE CASCADE
      );
      CREATE INDEX integration_key_hashes_by_integration ON integration_key_hashes (integration_id);

      -- Log ids are not unique; seq records the order of writing.
      CREATE TABLE logs (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL,
        int_id text COLLATE "C" NOT NULL,
        direction text NOT NULL,
        event text NOT NULL,
        status text NOT NULL,
        payload jsonb,
        error text NOT NULL,
        logged_at bigint NOT NULL
      );
      CREATE INDEX logs_by_time ON logs (logged_at, seq);
      CREATE INDEX logs_by_integration ON logs (int_id, logged_at, seq);

      CREATE TABLE usage_counters (
        int_id text COLLATE "C" NOT NULL,
        granularity text NOT NULL CHECK (granularity IN ('minute', 'hour', 'total')),
        start_ms bigint NOT NULL,
        success bigint NOT NULL,
        error bigint NOT NULL,
        rate_limited bigint NOT NULL,
        last_at_ms bigint NOT NULL,
        PRIMARY KEY (int_id, granularity, start_ms)
      );
      CREATE INDEX usage_counters_by_start ON usage_counters (granularity, start_ms);

      CREATE TABLE replay_ids (
        scope text NOT NULL,
        id text NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (scope, id)
      );
      CREATE INDEX replay_ids_by_expiry ON replay_ids (expires_at);

      CREATE TABLE deliveries (
        id text COLLATE "C" PRIMARY KEY,
        int_id text COLLATE "C" NOT NULL,
        event text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts jsonb NOT NULL,
        next_attempt_at bigint,
        lease_owner text,
        lease_expires_at bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX deliveries_by_creation ON deliveries (created_at, id);
      CREATE INDEX deliveries_by_integration ON deliveries (int_id, created_at, id);
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX deliveries_settled ON deliveries (updated_at) WHERE status <> 'pending';
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE inbox_events (
        id text COLLATE "C" PRIMARY KEY,
        int_id text COLLATE "C" NOT NULL,
        message_id text COLLATE "C",
        event text NOT NULL,
        sealed_request text NOT NULL,
        test boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts jsonb NOT NULL,
        next_attempt_at bigint,
        lease_owner text,
        lease_expires_at bigint,
        received_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX inbox_events_by_receipt ON inbox_events (received_at, id);
      CREATE INDEX inbox_events_by_integration ON inbox_events (int_id, received_at, id);
      -- The whole claim order, so a claim reads the due events in order and stops at its limit.
      CREATE INDEX inbox_events_due ON inbox_events (next_attempt_at, received_at, id) WHERE status = 'pending';
      CREATE INDEX inbox_events_settled ON inbox_events (updated_at) WHERE status <> 'pending';
    `,
  },
  {
    version: 3,
    // The signing secret a rotation replaced, sealed, and until when it still verifies.
    sql: `
      ALTER TABLE integrations
        ADD COLUMN previous_sealed_secret text,
        ADD COLUMN previous_signature_scheme text,
        ADD COLUMN previous_secret_expires_at bigint;
    `,
  },
];

/**
 * The newest schema version this package knows.
 *
 * @example
 * ```ts
 * const { rows } = await pool.query('SELECT max(version) AS version FROM portico.schema_migrations');
 * rows[0].version === LATEST_VERSION; // once migrated
 * ```
 */
export const LATEST_VERSION = migrations.at(-1)?.version ?? 0;

/** One advisory lock per schema, so instances sharing a database but not a schema never wait on each other. */
function lockKey(schemaName: string): string {
  return createHash('sha256').update(`portico:migrate:${schemaName}`).digest().readBigInt64BE(0).toString();
}

/**
 * Brings Portico's schema to {@link LATEST_VERSION}: creates the schema if missing, then applies
 * the migrations it has not recorded yet, all in one transaction under an advisory lock, so
 * instances starting together migrate one after another and the later ones find nothing to do.
 * A schema newer than this package is left alone, so an older instance still in a rolling
 * deploy keeps running.
 *
 * @example
 * ```ts
 * await migrate(pool, tablesIn('portico'));
 * ```
 */
export async function migrate(pool: Pool, tables: Tables): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(tables.schemaName)]);
    // Checked first because CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the
    // database even when the schema exists, which a role given a ready schema may not have.
    const existing = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tables.schemaName]);
    if (existing.rowCount === 0) await tx.query(`CREATE SCHEMA ${tables.schema}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${tables.migrations} (version integer PRIMARY KEY)`);
    const { rows } = await tx.query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${tables.migrations}`);
    const current = rows[0]?.version ?? 0;
    const pending = migrations.filter((migration) => migration.version > current);
    if (pending.length === 0) return;
    await tx.query(`SET LOCAL search_path TO ${tables.schema}`);
    for (const migration of pending) {
      await tx.query(migration.sql);
      await tx.query(`INSERT INTO ${tables.migrations} (version) VALUES ($1)`, [migration.version]);
    }
  });
}

import { PorticoError } from '@portico/core';
import type Database from 'better-sqlite3';

/** One forward-only step of the schema, applied once and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/*
 * Tables are STRICT, so a value of the wrong type fails loudly instead of being kept as
 * something else; times are integer epoch milliseconds.
 */
const initialSchema = `
CREATE TABLE integrations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  endpoint_url TEXT,
  headers TEXT NOT NULL,
  sealed_headers TEXT,
  status TEXT NOT NULL,
  rate_limit INTEGER NOT NULL,
  signature_scheme TEXT,
  sealed_secret TEXT,
  key_hash TEXT NOT NULL,
  key_prefix TEXT NOT NULL,
  previous_key_hash TEXT,
  previous_key_expires_at INTEGER,
  failing INTEGER NOT NULL CHECK (failing IN (0, 1)),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_by TEXT,
  updated_at INTEGER,
  version INTEGER NOT NULL
) STRICT;
CREATE INDEX integrations_by_creation ON integrations (created_at, id);

-- Current and previous key hashes share one primary key: a hash, expired or not, names one integration.
CREATE TABLE integration_key_hashes (
  key_hash TEXT PRIMARY KEY,
  int_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX integration_key_hashes_by_integration ON integration_key_hashes (int_id);

-- seq is the order of writing; AUTOINCREMENT never reuses one, even after retention empties the table.
CREATE TABLE log_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  int_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  payload TEXT NOT NULL,
  error TEXT NOT NULL,
  logged_at INTEGER NOT NULL
) STRICT;
CREATE INDEX log_entries_by_integration ON log_entries (int_id, logged_at DESC, seq DESC);
CREATE INDEX log_entries_by_time ON log_entries (logged_at DESC, seq DESC);

CREATE TABLE usage_counters (
  int_id TEXT NOT NULL,
  granularity TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  success INTEGER NOT NULL,
  error INTEGER NOT NULL,
  rate_limited INTEGER NOT NULL,
  last_at_ms INTEGER NOT NULL,
  PRIMARY KEY (int_id, granularity, start_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX usage_counters_by_granularity ON usage_counters (granularity, start_ms);

CREATE TABLE replay_ids (
  scope TEXT NOT NULL,
  id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (scope, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX replay_ids_by_expiry ON replay_ids (expires_at);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  int_id TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts TEXT NOT NULL,
  next_attempt_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- Serves a claim's whole ORDER BY, so it reads only the deliveries it leases.
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, created_at, id);
CREATE INDEX deliveries_by_creation ON deliveries (created_at DESC, id DESC);
CREATE INDEX deliveries_by_integration ON deliveries (int_id, created_at DESC, id DESC);
`;

/*
 * The inbox: accepted webhooks until the host's handler has taken them. Claims read
 * `inbox_events_due` in their own order; listings read the other two newest first.
 */
const inboxSchema = `
CREATE TABLE inbox_events (
  id TEXT PRIMARY KEY,
  int_id TEXT NOT NULL,
  message_id TEXT,
  event TEXT NOT NULL,
  sealed_request TEXT NOT NULL,
  test INTEGER NOT NULL CHECK (test IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts TEXT NOT NULL,
  next_attempt_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inbox_events_due ON inbox_events (status, next_attempt_at, received_at, id);
CREATE INDEX inbox_events_by_receipt ON inbox_events (received_at DESC, id DESC);
CREATE INDEX inbox_events_by_integration ON inbox_events (int_id, received_at DESC, id DESC);
`;

/* The signing secret a rotation replaced, sealed, and until when it still verifies. */
const previousSecretSchema = `
ALTER TABLE integrations ADD COLUMN previous_sealed_secret TEXT;
ALTER TABLE integrations ADD COLUMN previous_signature_scheme TEXT;
ALTER TABLE integrations ADD COLUMN previous_secret_expires_at INTEGER;
`;

/**
 * Every schema step, oldest first. A released step is never edited: a change is a new step.
 *
 * @example
 * ```ts
 * const latestVersion = migrations.at(-1)?.version;
 * ```
 */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initialSchema },
  { version: 2, name: 'inbox of accepted webhooks', sql: inboxSchema },
  { version: 3, name: 'rotated-out signing secrets', sql: previousSecretSchema },
];

/**
 * Brings the database up to the last of `steps`. It runs in one `BEGIN IMMEDIATE` transaction,
 * which takes the write lock before reading the version: of several processes opening one new
 * file at once, the first applies the steps and the others wait, then find nothing to do.
 * A database newer than `steps` is refused rather than used by code that does not know it.
 *
 * @example
 * ```ts
 * migrate(new Database('portico.db'));
 * ```
 */
export function migrate(db: Database.Database, steps: readonly Migration[] = migrations): void {
  const apply = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT');
    const current = db.prepare<[], number>('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() ?? 0;
    const latest = steps.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new PorticoError(
        'INTERNAL',
        `The database schema is at version ${current}, newer than version ${latest} this @portico/sqlite knows: upgrade it.`,
      );
    }
    const record = db.prepare<[number, string]>('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
    for (const step of steps) {
      if (step.version <= current) continue;
      db.exec(step.sql);
      record.run(step.version, step.name);
    }
  });
  apply.immediate();
}

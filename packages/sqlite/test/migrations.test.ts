import type { IntegrationRecord } from '@portico/core';
import { makeDeliveryRecord, makeInboxRecord, makeIntegrationRecord, makeLogEntry } from '@portico/testing';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { groupCommit } from '../src/group-commit';
import { sqliteStorage } from '../src/index';
import { sqliteLogStore } from '../src/log-store';
import { migrate, migrations } from '../src/migrations';
import { sqliteOutboxStore } from '../src/outbox-store';
import { bundleSqliteStorage, runChild, type Bundle } from './support/child-processes';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

/** The rows `sql` selects from the file, read through a connection of its own. */
function readRows<Row>(filename: string, sql: string): Row[] {
  const db = new Database(filename, { readonly: true });
  try {
    return db.prepare<[], Row>(sql).all();
  } finally {
    db.close();
  }
}

const appliedVersions = (filename: string) =>
  readRows<{ version: number; name: string }>(filename, 'SELECT version, name FROM schema_migrations ORDER BY version');

const schemaOf = (filename: string) =>
  readRows<{ type: string; name: string; sql: string | null }>(filename, 'SELECT type, name, sql FROM sqlite_schema ORDER BY name');

const allMigrations = migrations.map(({ version, name }) => ({ version, name }));

/** Writes `record` as releases before step 3 did: without its rotated-out secret's columns. */
function insertBeforeVersion3(db: Database.Database, record: IntegrationRecord): void {
  db.prepare(
    `INSERT INTO integrations (id, name, type, description, endpoint_url, headers, sealed_headers, status, rate_limit,
       signature_scheme, sealed_secret, key_hash, key_prefix, previous_key_hash, previous_key_expires_at, failing,
       created_by, created_at, updated_by, updated_at, version)
     VALUES (@id, @name, @type, @description, @endpointUrl, @headers, @sealedHeaders, @status, @rateLimit,
       @signatureScheme, @sealedSecret, @keyHash, @keyPrefix, @previousKeyHash, @previousKeyExpiresAt, @failing,
       @createdBy, @createdAt, @updatedBy, @updatedAt, @version)`,
  ).run({ ...record, headers: JSON.stringify(record.headers), failing: record.failing ? 1 : 0 });
  db.prepare('INSERT INTO integration_key_hashes (key_hash, int_id) VALUES (?, ?)').run(record.keyHash, record.id);
}

describe('migrations', () => {
  it('brings a file without a schema (version 0) to the latest version', async () => {
    const filename = files.newDatabase();
    new Database(filename).exec('CREATE TABLE host_notes (note TEXT)').close();

    const storage = sqliteStorage({ filename });
    const record = makeIntegrationRecord();
    expect(await storage.integrations.insert(record)).toBe(true);
    await storage.close();

    expect(appliedVersions(filename)).toEqual(allMigrations);
    expect(schemaOf(filename).map((entry) => entry.name)).toContain('host_notes');
  });

  it('re-opens a migrated file without changing its schema or its data', async () => {
    const filename = files.newDatabase();
    const first = sqliteStorage({ filename });
    const record = makeIntegrationRecord();
    await first.integrations.insert(record);
    await first.close();
    const schema = schemaOf(filename);

    const second = sqliteStorage({ filename });
    expect(await second.integrations.get(record.id)).toEqual(record);
    await second.close();

    expect(schemaOf(filename)).toEqual(schema);
    expect(appliedVersions(filename)).toEqual(allMigrations);
  });

  it('upgrades a file at version 1 to the inbox schema of version 2, keeping its data', async () => {
    const filename = files.newDatabase();
    const [record, delivery, entry] = [makeIntegrationRecord(), makeDeliveryRecord(), makeLogEntry()];
    // A file as a release with only the first step left it, written by the stores that use it.
    const v1 = new Database(filename);
    migrate(v1, migrations.filter((step) => step.version === 1));
    insertBeforeVersion3(v1, record);
    await sqliteOutboxStore(v1, groupCommit(v1)).enqueue(delivery);
    await sqliteLogStore(v1).append([entry]);
    v1.close();
    expect(appliedVersions(filename)).toEqual([{ version: 1, name: 'initial schema' }]);

    const storage = sqliteStorage({ filename });
    expect(await storage.integrations.get(record.id)).toEqual(record);
    expect(await storage.outbox.get(delivery.id)).toEqual(delivery);
    expect((await storage.logs.query({ limit: 10 })).items).toEqual([entry]);
    const event = makeInboxRecord({ intId: record.id });
    expect(await storage.inbox.accept({ event, replayTtlMs: 60_000, log: makeLogEntry({ intId: record.id }) })).toBe(true);
    expect(await storage.inbox.get(event.id)).toEqual(event);
    await storage.close();

    expect(appliedVersions(filename)).toEqual(allMigrations);
    const strict = readRows<{ strict: number }>(filename, "SELECT strict FROM pragma_table_list WHERE name = 'inbox_events'");
    expect(strict).toEqual([{ strict: 1 }]);
    expect(schemaOf(filename).map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['inbox_events_due', 'inbox_events_by_receipt', 'inbox_events_by_integration']),
    );
  });

  it('upgrades a file at version 2 to version 3, keeping its integrations, which gain no rotated-out secret', async () => {
    const filename = files.newDatabase();
    const record = makeIntegrationRecord({ signatureScheme: 'standard', sealedSecret: 'v1.k1.sealed' });
    const v2 = new Database(filename);
    migrate(v2, migrations.filter((step) => step.version <= 2));
    insertBeforeVersion3(v2, record);
    v2.close();
    expect(appliedVersions(filename).map((step) => step.version)).toEqual([1, 2]);

    const storage = sqliteStorage({ filename });
    expect(await storage.integrations.get(record.id)).toEqual(record);
    expect(await storage.integrations.getByKeyHash(record.keyHash, record.createdAt)).toEqual(record);
    const rotation = { previousSealedSecret: 'v1.k1.previous', previousSignatureScheme: 'legacy', previousSecretExpiresAt: record.createdAt + 1 } as const;
    expect(await storage.integrations.update(record.id, 1, rotation)).toEqual({ ...record, ...rotation, version: 2 });
    await storage.close();

    expect(appliedVersions(filename)).toEqual(allMigrations);
    const columns = readRows<{ name: string; type: string }>(filename, "SELECT name, type FROM pragma_table_info('integrations') WHERE name LIKE 'previous_s%'");
    expect(columns).toEqual([
      { name: 'previous_sealed_secret', type: 'TEXT' },
      { name: 'previous_signature_scheme', type: 'TEXT' },
      { name: 'previous_secret_expires_at', type: 'INTEGER' },
    ]);
  });

  it('applies a later step once, on top of the steps already applied', () => {
    const filename = files.newDatabase();
    const later = [...migrations, { version: 1000, name: 'add a table', sql: 'CREATE TABLE later_step (id TEXT)' }];
    const db = new Database(filename);
    migrate(db);
    migrate(db, later);
    migrate(db, later);
    db.close();

    expect(appliedVersions(filename)).toEqual([...allMigrations, { version: 1000, name: 'add a table' }]);
  });

  it('refuses a file whose schema is newer than it knows, and applies nothing', () => {
    const filename = files.newDatabase();
    const db = new Database(filename);
    migrate(db, [...migrations, { version: 1000, name: 'from the future', sql: 'SELECT 1' }]);
    db.close();

    expect(() => sqliteStorage({ filename })).toThrow(expect.objectContaining({ name: 'PorticoError', code: 'INTERNAL' }));
    expect(appliedVersions(filename).at(-1)).toEqual({ version: 1000, name: 'from the future' });
  });

  it('opens the file in WAL mode', async () => {
    const filename = files.newDatabase();
    await sqliteStorage({ filename }).close();
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('closes once, and again without complaint', async () => {
    const storage = sqliteStorage({ filename: files.newDatabase() });
    await storage.close();
    await expect(storage.close()).resolves.toBeUndefined();
    await expect(storage.logs.count()).rejects.toThrow();
  });

  describe('two processes opening one new file at once', () => {
    let bundle: Bundle;
    beforeAll(async () => {
      bundle = await bundleSqliteStorage();
    });
    afterAll(() => bundle.remove());

    it.each([1, 2, 3, 4, 5])('both succeed and the schema is applied once (round %i)', async () => {
      const filename = files.newDatabase();
      const startAtMs = String(Date.now() + 300);
      await Promise.all([
        runChild('migrate-child.mjs', bundle, filename, startAtMs),
        runChild('migrate-child.mjs', bundle, filename, startAtMs),
      ]);
      expect(appliedVersions(filename)).toEqual(allMigrations);
    });
  });
});

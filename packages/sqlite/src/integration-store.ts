import {
  PorticoError,
  type IntegrationChanges,
  type IntegrationCounts,
  type IntegrationRecord,
  type IntegrationStatus,
  type IntegrationStore,
  type IntegrationType,
} from '@portico/core';
import type Database from 'better-sqlite3';
import { pageReader } from './keyset-page';
import { isUniqueViolation } from './sqlite-errors';

/** An `integrations` row as selected: the record with its JSON and boolean columns as stored. */
type IntegrationRow = Omit<IntegrationRecord, 'headers' | 'failing'> & { headers: string; failing: 0 | 1 };

const COLUMNS = `id, name, type, description, endpoint_url AS endpointUrl, headers, sealed_headers AS sealedHeaders,
  status, rate_limit AS rateLimit, signature_scheme AS signatureScheme, sealed_secret AS sealedSecret,
  previous_sealed_secret AS previousSealedSecret, previous_signature_scheme AS previousSignatureScheme,
  previous_secret_expires_at AS previousSecretExpiresAt, key_hash AS keyHash, key_prefix AS keyPrefix, previous_key_hash AS previousKeyHash,
  previous_key_expires_at AS previousKeyExpiresAt, failing, created_by AS createdBy, created_at AS createdAt,
  updated_by AS updatedBy, updated_at AS updatedAt, version`;

const toRow = (record: IntegrationRecord): IntegrationRow => ({
  ...record,
  headers: JSON.stringify(record.headers),
  failing: record.failing ? 1 : 0,
});

const toRecord = (row: IntegrationRow): IntegrationRecord => ({
  ...row,
  headers: JSON.parse(row.headers) as Record<string, string>,
  failing: row.failing === 1,
});

/** The hashes a record answers to, each once. */
const keyHashesOf = (record: IntegrationRecord): string[] =>
  record.previousKeyHash === null || record.previousKeyHash === record.keyHash
    ? [record.keyHash]
    : [record.keyHash, record.previousKeyHash];

/** The given fields of a partial update: a field set to `undefined` was not given. */
const givenChanges = (changes: IntegrationChanges): IntegrationChanges =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));

/**
 * Integrations in SQLite. Every current and previous key hash is a row of
 * `integration_key_hashes`, whose primary key keeps a hash to one integration, so inserts and
 * key rotations are checked by the database and `getByKeyHash` is one index lookup.
 *
 * @example
 * ```ts
 * const integrations = sqliteIntegrationStore(db);
 * const record = await integrations.getByKeyHash(hashApiKey(key), Date.now());
 * ```
 */
export function sqliteIntegrationStore(db: Database.Database): IntegrationStore {
  const sql = {
    get: db.prepare<[string], IntegrationRow>(`SELECT ${COLUMNS} FROM integrations WHERE id = ?`),
    getByKeyHash: db.prepare<{ keyHash: string; nowMs: number }, IntegrationRow>(
      `SELECT ${COLUMNS} FROM integrations
       WHERE id = (SELECT int_id FROM integration_key_hashes WHERE key_hash = @keyHash)
         AND (key_hash = @keyHash OR (previous_key_hash = @keyHash AND previous_key_expires_at > @nowMs))`,
    ),
    insert: db.prepare<IntegrationRow>(
      `INSERT INTO integrations (id, name, type, description, endpoint_url, headers, sealed_headers, status, rate_limit,
         signature_scheme, sealed_secret, previous_sealed_secret, previous_signature_scheme, previous_secret_expires_at,
         key_hash, key_prefix, previous_key_hash, previous_key_expires_at, failing,
         created_by, created_at, updated_by, updated_at, version)
       VALUES (@id, @name, @type, @description, @endpointUrl, @headers, @sealedHeaders, @status, @rateLimit,
         @signatureScheme, @sealedSecret, @previousSealedSecret, @previousSignatureScheme, @previousSecretExpiresAt,
         @keyHash, @keyPrefix, @previousKeyHash, @previousKeyExpiresAt, @failing,
         @createdBy, @createdAt, @updatedBy, @updatedAt, @version)`,
    ),
    update: db.prepare<IntegrationRow>(
      `UPDATE integrations SET name = @name, type = @type, description = @description, endpoint_url = @endpointUrl,
         headers = @headers, sealed_headers = @sealedHeaders, status = @status, rate_limit = @rateLimit,
         signature_scheme = @signatureScheme, sealed_secret = @sealedSecret,
         previous_sealed_secret = @previousSealedSecret, previous_signature_scheme = @previousSignatureScheme,
         previous_secret_expires_at = @previousSecretExpiresAt, key_hash = @keyHash,
         key_prefix = @keyPrefix, previous_key_hash = @previousKeyHash,
         previous_key_expires_at = @previousKeyExpiresAt, failing = @failing, updated_by = @updatedBy,
         updated_at = @updatedAt, version = @version
       WHERE id = @id`,
    ),
    addKeyHash: db.prepare<[string, string]>('INSERT INTO integration_key_hashes (key_hash, int_id) VALUES (?, ?)'),
    dropKeyHashes: db.prepare<[string]>('DELETE FROM integration_key_hashes WHERE int_id = ?'),
    // Key hashes go with the row (ON DELETE CASCADE); usage counters have no foreign key, since
    // usage may be counted for an integration this store does not hold.
    remove: db.prepare<[string]>('DELETE FROM integrations WHERE id = ?'),
    removeUsage: db.prepare<[string]>('DELETE FROM usage_counters WHERE int_id = ?'),
    counts: db.prepare<[], { type: IntegrationType; status: IntegrationStatus; count: number }>(
      'SELECT type, status, count(*) AS count FROM integrations GROUP BY type, status',
    ),
  };

  const readPage = pageReader<IntegrationRow>(db, {
    table: 'integrations',
    columns: COLUMNS,
    timeColumn: 'created_at',
    tieColumn: 'id',
    tie: 'string',
    descending: false,
    positionOf: (row) => [row.createdAt, row.id],
  });

  const insert = db.transaction((record: IntegrationRecord) => {
    sql.insert.run(toRow(record));
    for (const hash of keyHashesOf(record)) sql.addKeyHash.run(hash, record.id);
  });

  const update = db.transaction((id: string, expectedVersion: number, changes: IntegrationChanges) => {
    const row = sql.get.get(id);
    if (row === undefined || row.version !== expectedVersion) return null;
    const stored = toRecord(row);
    const next: IntegrationRecord = {
      ...stored,
      ...structuredClone(givenChanges(changes)),
      id: stored.id,
      createdAt: stored.createdAt,
      createdBy: stored.createdBy,
      version: stored.version + 1,
    };
    sql.update.run(toRow(next));
    sql.dropKeyHashes.run(id);
    for (const hash of keyHashesOf(next)) sql.addKeyHash.run(hash, id);
    return next;
  });

  const remove = db.transaction((id: string) => {
    if (sql.remove.run(id).changes === 0) return false;
    sql.removeUsage.run(id);
    return true;
  });

  return {
    async insert(record) {
      try {
        insert.immediate(record);
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async get(id) {
      const row = sql.get.get(id);
      return row === undefined ? null : toRecord(row);
    },

    async getByKeyHash(keyHash, nowMs) {
      const row = sql.getByKeyHash.get({ keyHash, nowMs });
      return row === undefined ? null : toRecord(row);
    },

    async list(query) {
      const filters: string[] = [];
      if (query.type !== undefined) filters.push('type = @type');
      if (query.status !== undefined) filters.push('status = @status');
      if (query.enabledOnly) filters.push(`status <> 'INACTIVE'`);
      const params = { type: query.type, status: query.status };
      const page = readPage({ filters, params, cursor: query.cursor, limit: query.limit });
      return { ...page, items: page.items.map(toRecord) };
    },

    async update(id, expectedVersion, changes) {
      try {
        return update.immediate(id, expectedVersion, changes);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new PorticoError('INTERNAL', `Integration '${id}' cannot take a key hash another integration holds.`, {
          cause: error,
        });
      }
    },

    async remove(id) {
      return remove.immediate(id);
    },

    async counts() {
      const counts: IntegrationCounts = { total: 0, byType: {}, byStatus: {} };
      for (const { type, status, count } of sql.counts.all()) {
        counts.total += count;
        counts.byType[type] = (counts.byType[type] ?? 0) + count;
        counts.byStatus[status] = (counts.byStatus[status] ?? 0) + count;
      }
      return counts;
    },
  };
}

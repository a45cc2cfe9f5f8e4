import { PorticoError, type IntegrationChanges, type IntegrationCounts, type IntegrationRecord, type IntegrationStore } from '@portico/core';
import { columnValues, insertStatement, selectList, type RecordColumns } from './columns';
import type { Database } from './database';
import { readKeysetPage } from './keyset-page';
import { params } from './params';
import { isUniqueViolation, type Queryable } from './queries';

const integrationColumns: RecordColumns<IntegrationRecord> = {
  columns: {
    id: 'id',
    name: 'name',
    type: 'type',
    description: 'description',
    endpointUrl: 'endpoint_url',
    headers: 'headers',
    sealedHeaders: 'sealed_headers',
    status: 'status',
    rateLimit: 'rate_limit',
    signatureScheme: 'signature_scheme',
    sealedSecret: 'sealed_secret',
    previousSealedSecret: 'previous_sealed_secret',
    previousSignatureScheme: 'previous_signature_scheme',
    previousSecretExpiresAt: 'previous_secret_expires_at',
    keyHash: 'key_hash',
    keyPrefix: 'key_prefix',
    previousKeyHash: 'previous_key_hash',
    previousKeyExpiresAt: 'previous_key_expires_at',
    failing: 'failing',
    createdBy: 'created_by',
    createdAt: 'created_at',
    updatedBy: 'updated_by',
    updatedAt: 'updated_at',
    version: 'version',
  },
  json: new Set(['headers']),
};

const SELECT = selectList(integrationColumns);

/** Fields an update never writes, whatever the caller passes. */
const FIXED_FIELDS: ReadonlySet<string> = new Set(['id', 'createdAt', 'createdBy', 'version']);

/** Sorted, so that two transactions claiming the same hashes lock them in one order and never deadlock. */
const keyHashesOf = (record: IntegrationRecord): string[] =>
  [...new Set([record.keyHash, record.previousKeyHash ?? record.keyHash])].sort();

/**
 * Integrations in PostgreSQL. Every current and previous key hash is a row of one key table
 * whose primary key makes it unique, written in the transaction that writes the integration.
 *
 * @example
 * ```ts
 * const integrations = postgresIntegrationStore(createDatabase(pool, tablesIn('portico')));
 * await integrations.getByKeyHash(hashApiKey(key), Date.now());
 * ```
 */
export function postgresIntegrationStore(db: Database): IntegrationStore {
  const { integrations, keyHashes, usage } = db.tables;

  const claimKeyHashes = (tx: Queryable, record: IntegrationRecord) =>
    tx.query(`INSERT INTO ${keyHashes} (key_hash, integration_id) SELECT unnest($1::text[]), $2`, [keyHashesOf(record), record.id]);

  return {
    async insert(record) {
      const { text, values } = insertStatement(integrations, integrationColumns, record);
      try {
        await db.transaction(async (tx) => {
          await tx.query(text, values);
          await claimKeyHashes(tx, record);
        });
        return true;
      } catch (error) {
        // The id or a key hash is taken; the rollback wrote nothing.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async get(id) {
      const { rows } = await db.query<IntegrationRecord>(`SELECT ${SELECT} FROM ${integrations} WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    async getByKeyHash(keyHash, nowMs) {
      const { rows } = await db.query<IntegrationRecord>(
        `SELECT ${SELECT} FROM ${integrations}
         WHERE id = (SELECT integration_id FROM ${keyHashes} WHERE key_hash = $1)
           AND (key_hash = $1 OR previous_key_expires_at > $2)`,
        [keyHash, nowMs],
      );
      return rows[0] ?? null;
    },

    async list(query) {
      const p = params();
      const where: string[] = [];
      if (query.type !== undefined) where.push(`type = ${p.add(query.type)}`);
      if (query.status !== undefined) where.push(`status = ${p.add(query.status)}`);
      if (query.enabledOnly) where.push(`status <> 'INACTIVE'`);
      return readKeysetPage<IntegrationRecord>(db, {
        table: integrations,
        select: SELECT,
        where,
        params: p,
        orderBy: ['created_at', 'id'],
        descending: false,
        cursor: query.cursor,
        tie: 'string',
        limit: query.limit,
      });
    },

    async update(id, expectedVersion, changes) {
      const given: IntegrationChanges = Object.fromEntries(Object.entries(changes).filter(([field]) => !FIXED_FIELDS.has(field)));
      const p = params();
      const { columns, values } = columnValues<IntegrationRecord>(integrationColumns, given);
      const assignments = columns.map((column, index) => `${column} = ${p.add(values[index])}`);
      try {
        return await db.transaction(async (tx) => {
          const { rows } = await tx.query<IntegrationRecord>(
            `UPDATE ${integrations} SET ${[...assignments, 'version = version + 1'].join(', ')}
             WHERE id = ${p.add(id)} AND version = ${p.add(expectedVersion)}
             RETURNING ${SELECT}`,
            p.values,
          );
          const updated = rows[0];
          if (updated === undefined) return null;
          if (given.keyHash !== undefined || given.previousKeyHash !== undefined) {
            await tx.query(`DELETE FROM ${keyHashes} WHERE integration_id = $1`, [id]);
            await claimKeyHashes(tx, updated);
          }
          return updated;
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new PorticoError('INTERNAL', `Integration '${id}' cannot take a key hash another integration holds.`, { cause: error });
      }
    },

    async remove(id) {
      // Its key hashes go with it (ON DELETE CASCADE); its log entries stay.
      const { rows } = await db.query<{ removed: number }>(
        `WITH removed AS (DELETE FROM ${integrations} WHERE id = $1 RETURNING id),
              counters AS (DELETE FROM ${usage} WHERE int_id IN (SELECT id FROM removed))
         SELECT count(*) AS removed FROM removed`,
        [id],
      );
      return rows[0]?.removed === 1;
    },

    async counts() {
      const { rows } = await db.query<Pick<IntegrationRecord, 'type' | 'status'> & { count: number }>(
        `SELECT type, status, count(*) AS count FROM ${integrations} GROUP BY type, status`,
      );
      const counts: IntegrationCounts = { total: 0, byType: {}, byStatus: {} };
      for (const { type, status, count } of rows) {
        counts.total += count;
        counts.byType[type] = (counts.byType[type] ?? 0) + count;
        counts.byStatus[status] = (counts.byStatus[status] ?? 0) + count;
      }
      return counts;
    },
  };
}

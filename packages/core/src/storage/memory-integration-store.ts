import { PorticoError } from '../errors';
import type { CursorPosition } from './cursor';
import { readPage } from './read-page';
import type { IntegrationChanges, IntegrationCounts, IntegrationQuery, IntegrationRecord } from './records';
import { insertSorted, positionIndex } from './sorted';
import type { IntegrationStore } from './storage';

/** What {@link memoryIntegrationStore} needs from the rest of the storage. */
export interface MemoryIntegrationStoreOptions {
  /** Called after an integration is removed, to drop what belongs to it elsewhere. */
  onRemove(id: string): void;
}

const positionOf = (record: IntegrationRecord): CursorPosition<string> => [record.createdAt, record.id];

const keyHashesOf = (record: IntegrationRecord): string[] =>
  record.previousKeyHash === null ? [record.keyHash] : [record.keyHash, record.previousKeyHash];

const matchesQuery = (record: IntegrationRecord, query: IntegrationQuery): boolean =>
  (query.type === undefined || record.type === query.type) &&
  (query.status === undefined || record.status === query.status) &&
  (!query.enabledOnly || record.status !== 'INACTIVE');

/**
 * A caller's own copy. `headers` is the only nested field, so two spreads copy a record fully, at a
 * fraction of `structuredClone`'s cost on the path every webhook takes.
 */
const copyOf = (record: IntegrationRecord): IntegrationRecord => ({ ...record, headers: { ...record.headers } });

/** The given fields of a partial update: a field set to `undefined` was not given. */
const givenChanges = (changes: IntegrationChanges): IntegrationChanges =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));

function adjust<K>(counts: Map<K, number>, key: K, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/**
 * Integrations in process memory, with the semantics of the SQL stores: one index from every
 * current and previous key hash to its integration, optimistic versions, copies in and out.
 *
 * @example
 * ```ts
 * const usage = memoryUsageStore();
 * const integrations = memoryIntegrationStore({ onRemove: (id) => usage.forget(id) });
 * ```
 */
export function memoryIntegrationStore(options: MemoryIntegrationStoreOptions): IntegrationStore {
  const byId = new Map<string, IntegrationRecord>();
  const idByKeyHash = new Map<string, string>();
  /** The listing order; `createdAt` and `id` never change, so updates keep it. */
  const ordered: IntegrationRecord[] = [];
  const byType = new Map<IntegrationRecord['type'], number>();
  const byStatus = new Map<IntegrationRecord['status'], number>();

  const count = (record: IntegrationRecord, by: 1 | -1) => {
    adjust(byType, record.type, by);
    adjust(byStatus, record.status, by);
  };
  const orderIndex = (record: IntegrationRecord) => positionIndex(ordered, positionOf(record), positionOf);

  return {
    async insert(record) {
      if (byId.has(record.id) || keyHashesOf(record).some((hash) => idByKeyHash.has(hash))) return false;
      const stored = structuredClone(record);
      byId.set(stored.id, stored);
      for (const hash of keyHashesOf(stored)) idByKeyHash.set(hash, stored.id);
      insertSorted(ordered, stored, positionOf);
      count(stored, 1);
      return true;
    },

    async get(id) {
      const stored = byId.get(id);
      return stored === undefined ? null : copyOf(stored);
    },

    async getByKeyHash(keyHash, nowMs) {
      const id = idByKeyHash.get(keyHash);
      const stored = id === undefined ? undefined : byId.get(id);
      if (stored === undefined) return null;
      const previousValid = stored.previousKeyExpiresAt !== null && stored.previousKeyExpiresAt > nowMs;
      return stored.keyHash === keyHash || previousValid ? copyOf(stored) : null;
    },

    async list(query) {
      const page = readPage({
        items: ordered,
        descending: false,
        cursor: query.cursor,
        tie: 'string',
        limit: query.limit,
        matches: (record) => matchesQuery(record, query),
        positionOf,
      });
      return { ...page, items: page.items.map(copyOf) };
    },

    async update(id, expectedVersion, changes) {
      const stored = byId.get(id);
      if (stored === undefined || stored.version !== expectedVersion) return null;
      const next: IntegrationRecord = {
        ...stored,
        ...structuredClone(givenChanges(changes)),
        id: stored.id,
        createdAt: stored.createdAt,
        createdBy: stored.createdBy,
        version: stored.version + 1,
      };
      if (keyHashesOf(next).some((hash) => (idByKeyHash.get(hash) ?? id) !== id)) {
        throw new PorticoError('INTERNAL', `Integration '${id}' cannot take a key hash another integration holds.`);
      }
      for (const hash of keyHashesOf(stored)) idByKeyHash.delete(hash);
      for (const hash of keyHashesOf(next)) idByKeyHash.set(hash, id);
      ordered[orderIndex(stored)] = next;
      byId.set(id, next);
      count(stored, -1);
      count(next, 1);
      return copyOf(next);
    },

    async remove(id) {
      const stored = byId.get(id);
      if (stored === undefined) return false;
      byId.delete(id);
      for (const hash of keyHashesOf(stored)) idByKeyHash.delete(hash);
      ordered.splice(orderIndex(stored), 1);
      count(stored, -1);
      options.onRemove(id);
      return true;
    },

    async counts(): Promise<IntegrationCounts> {
      return { total: byId.size, byType: Object.fromEntries(byType), byStatus: Object.fromEntries(byStatus) };
    },
  };
}

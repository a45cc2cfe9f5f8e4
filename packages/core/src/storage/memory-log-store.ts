import type { CursorPosition } from './cursor';
import { readPage } from './read-page';
import type { LogEntry, LogQuery } from './records';
import { insertSorted, partitionPoint } from './sorted';
import type { LogStore } from './storage';

/** An entry and the order it was written in, which breaks ties between equal `loggedAt`. */
interface StoredEntry {
  entry: LogEntry;
  seq: number;
}

const positionOf = (stored: StoredEntry): CursorPosition<number> => [stored.entry.loggedAt, stored.seq];

const matchesQuery = ({ entry }: StoredEntry, query: LogQuery): boolean =>
  (query.direction === undefined || entry.direction === query.direction) &&
  (query.status === undefined || entry.status === query.status);

/** The index of the first entry of `entries` logged at or after `timeMs`. */
const firstAtOrAfter = (entries: readonly StoredEntry[], timeMs: number) =>
  partitionPoint(entries, (stored) => stored.entry.loggedAt < timeMs);

/**
 * The integration log in process memory. Entries are kept ascending by (`loggedAt`, order of
 * writing), once in full and once per integration, so a query reads only the entries of its
 * integration and time range, and retention removes a prefix.
 *
 * @example
 * ```ts
 * const logs = memoryLogStore();
 * await logs.append([entry]);
 * const { items } = await logs.query({ intId: 'GW-0000000A', limit: 50 });
 * ```
 */
export function memoryLogStore(): LogStore {
  const all: StoredEntry[] = [];
  const byIntegration = new Map<string, StoredEntry[]>();
  let lastSeq = 0;

  return {
    async append(entries) {
      for (const entry of entries) {
        const stored = { entry: structuredClone(entry), seq: ++lastSeq };
        insertSorted(all, stored, positionOf);
        const own = byIntegration.get(entry.intId) ?? [];
        insertSorted(own, stored, positionOf);
        byIntegration.set(entry.intId, own);
      }
    },

    async query(query) {
      const entries = query.intId === undefined ? all : (byIntegration.get(query.intId) ?? []);
      const page = readPage({
        items: entries,
        from: query.sinceMs === undefined ? 0 : firstAtOrAfter(entries, query.sinceMs),
        to: query.untilMs === undefined ? entries.length : firstAtOrAfter(entries, query.untilMs),
        descending: true,
        cursor: query.cursor,
        tie: 'number',
        limit: query.limit,
        matches: (stored) => matchesQuery(stored, query),
        positionOf,
      });
      return { ...page, items: page.items.map((stored) => structuredClone(stored.entry)) };
    },

    async count() {
      return all.length;
    },

    async prune({ beforeMs, keepNewest }) {
      // Both rules remove the oldest entries, so together they remove one prefix.
      const removeCount = Math.max(
        beforeMs === undefined ? 0 : firstAtOrAfter(all, beforeMs),
        keepNewest === undefined ? 0 : all.length - Math.max(0, keepNewest),
      );
      const removed = all.splice(0, removeCount);
      const removedPerIntegration = new Map<string, number>();
      for (const { entry } of removed) {
        removedPerIntegration.set(entry.intId, (removedPerIntegration.get(entry.intId) ?? 0) + 1);
      }
      // The entries of one integration are a subsequence of `all`, so what left is a prefix of each too.
      for (const [intId, removedCount] of removedPerIntegration) {
        const own = byIntegration.get(intId) ?? [];
        own.splice(0, removedCount);
        if (own.length === 0) byIntegration.delete(intId);
      }
      return removed.length;
    },
  };
}

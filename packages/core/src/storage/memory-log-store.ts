import type { CursorPosition } from './cursor';
import { readPage } from './read-page';
import type { LogEntry, LogQuery } from './records';
import { insertSorted, partitionPoint } from './sorted';
import type { LogStore } from './storage';

/**
 * An entry as kept: the fields queries filter on, the order it was written in (which breaks ties
 * between equal `loggedAt`), and the entry itself as JSON. A masked payload held as a string
 * takes about a third of the heap it takes as objects, and the log is what fills a gateway's
 * memory; the string is also the copy that keeps the caller's object and ours apart.
 */
interface StoredEntry {
  intId: string;
  direction: LogEntry['direction'];
  status: LogEntry['status'];
  loggedAt: number;
  seq: number;
  json: string;
}

const positionOf = (stored: StoredEntry): CursorPosition<number> => [stored.loggedAt, stored.seq];

const matchesQuery = (stored: StoredEntry, query: LogQuery): boolean =>
  (query.direction === undefined || stored.direction === query.direction) &&
  (query.status === undefined || stored.status === query.status);

/** The index of the first entry of `entries` logged at or after `timeMs`. */
const firstAtOrAfter = (entries: readonly StoredEntry[], timeMs: number) =>
  partitionPoint(entries, (stored) => stored.loggedAt < timeMs);

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
        const { intId, direction, status, loggedAt } = entry;
        const stored: StoredEntry = { intId, direction, status, loggedAt, seq: ++lastSeq, json: JSON.stringify(entry) };
        insertSorted(all, stored, positionOf);
        const own = byIntegration.get(intId);
        if (own === undefined) byIntegration.set(intId, [stored]);
        else insertSorted(own, stored, positionOf);
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
      return { ...page, items: page.items.map((stored) => JSON.parse(stored.json) as LogEntry) };
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
      for (const { intId } of removed) {
        removedPerIntegration.set(intId, (removedPerIntegration.get(intId) ?? 0) + 1);
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

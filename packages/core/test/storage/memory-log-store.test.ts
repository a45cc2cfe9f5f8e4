import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryLogStore } from '../../src/storage/memory-log-store';
import type { LogEntry, LogQuery } from '../../src/storage/records';
import { logDirections, logStatuses } from '../../src/model';

const T0 = Date.UTC(2026, 0, 1);
const intIds = ['GW-0000000A', 'GW-0000000B', 'GW-0000000C'];

const entry = fc.record({
  intId: fc.constantFrom(...intIds),
  direction: fc.constantFrom(...logDirections),
  status: fc.constantFrom(...logStatuses),
  offsetMs: fc.integer({ min: 0, max: 6 }),
});

const query = fc.record(
  {
    intId: fc.constantFrom(...intIds),
    direction: fc.constantFrom(...logDirections),
    status: fc.constantFrom(...logStatuses),
    sinceMs: fc.integer({ min: -1, max: 7 }).map((offset) => T0 + offset),
    untilMs: fc.integer({ min: -1, max: 7 }).map((offset) => T0 + offset),
  },
  { requiredKeys: [] },
);

// Appends outweigh prunes so that most runs page through several pages.
const operation = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('append' as const), entries: fc.array(entry, { maxLength: 20 }) }) },
  fc.record({
    kind: fc.constant('prune' as const),
    prune: fc.record(
      { beforeMs: fc.integer({ min: 0, max: 3 }).map((offset) => T0 + offset), keepNewest: fc.nat({ max: 60 }) },
      { requiredKeys: [] },
    ),
  }),
);

/** The log as a plain array in order of writing: what the store must agree with. */
function modelQuery(model: LogEntry[], q: Omit<LogQuery, 'cursor' | 'limit'>): LogEntry[] {
  return model
    .map((logged, seq) => ({ logged, seq }))
    .filter(
      ({ logged }) =>
        (q.intId === undefined || logged.intId === q.intId) &&
        (q.direction === undefined || logged.direction === q.direction) &&
        (q.status === undefined || logged.status === q.status) &&
        (q.sinceMs === undefined || logged.loggedAt >= q.sinceMs) &&
        (q.untilMs === undefined || logged.loggedAt < q.untilMs),
    )
    .sort((a, b) => b.logged.loggedAt - a.logged.loggedAt || b.seq - a.seq)
    .map(({ logged }) => logged);
}

describe('memoryLogStore', () => {
  it('agrees with a plain array under any appends, prunes and paged queries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 12 }), query, fc.integer({ min: 1, max: 5 }), async (operations, q, limit) => {
        const logs = memoryLogStore();
        let model: LogEntry[] = [];
        let written = 0;
        for (const op of operations) {
          if (op.kind === 'append') {
            const entries = op.entries.map(({ offsetMs, ...fields }) => ({
              ...fields,
              id: `LOG-${String(++written).padStart(8, '0')}`,
              event: 'e',
              payload: null,
              error: '',
              loggedAt: T0 + offsetMs,
            }));
            await logs.append(entries);
            model.push(...entries);
          } else {
            const keep = new Set(modelQuery(model, {}).filter((logged, rank) =>
              (op.prune.beforeMs === undefined || logged.loggedAt >= op.prune.beforeMs) &&
              (op.prune.keepNewest === undefined || rank < op.prune.keepNewest)));
            expect(await logs.prune(op.prune)).toBe(model.length - keep.size);
            model = model.filter((logged) => keep.has(logged));
          }
        }

        const expected = modelQuery(model, q);
        const seen: LogEntry[] = [];
        let cursor: string | undefined;
        // Every page but the last holds an entry, so a store that pages on past this repeats entries.
        for (let pages = 0; pages <= expected.length; pages++) {
          const page = await logs.query({ ...q, cursor, limit });
          expect(page.total).toBe(expected.length);
          seen.push(...page.items);
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(expected);
        expect(await logs.count()).toBe(model.length);
      }),
    );
  });
});

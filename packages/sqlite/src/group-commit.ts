import type Database from 'better-sqlite3';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs small writes that arrive together in one transaction. */
export interface GroupCommit {
  /**
   * Queues `work` for the next transaction and resolves with its result once that transaction
   * has committed; rejects with what `work` threw, or with the transaction's own failure. `work`
   * is synchronous and makes its checks before its first write: what it wrote before throwing
   * would commit with the others (a savepoint per work would undo it, at a third of a webhook's
   * ingest on SQLite).
   */
  run<T>(work: () => T): Promise<T>;
  /**
   * Runs `hook` in every transaction, after its works and before its commit: a store that sums
   * what the works of one batch add (usage counters) writes the sums there, once per batch.
   */
  beforeCommit(hook: () => void): void;
  /** Commits what is queued now, e.g. before the database closes. */
  flush(): void;
}

/**
 * Group commit: writes queued during one turn of the event loop share one `BEGIN IMMEDIATE …
 * COMMIT`. Opening and committing a transaction is most of what a one-row write costs in SQLite,
 * and a busy gateway makes many such writes at once (a replay check per webhook, an outbox row
 * per send), so each pays for a fraction of one. A caller still hears back only after the commit:
 * nothing is acknowledged that a crash could lose.
 *
 * @example
 * ```ts
 * const group = groupCommit(db);
 * const fresh = await group.run(() => insertId.run({ id }).changes === 1);
 * ```
 */
export function groupCommit(db: Database.Database): GroupCommit {
  let queue: Queued[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  const hooks: (() => void)[] = [];

  const commit = db.transaction((batch: Queued[]) => {
    const outcomes = batch.map(({ work }) => {
      try {
        return { ok: true as const, value: work() };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    for (const hook of hooks) hook();
    return outcomes;
  });

  function flush(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes;
    try {
      outcomes = commit.immediate(batch);
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const queued = batch[index] as Queued;
      if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
  }

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        scheduled ??= setImmediate(flush);
      });
    },
    beforeCommit(hook) {
      hooks.push(hook);
    },
    flush,
  };
}

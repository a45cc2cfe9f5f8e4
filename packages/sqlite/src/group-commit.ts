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
   * has committed; rejects with what `work` threw (every write of that `work` undone, those of
   * the others kept), or with the transaction's own failure. `work` must be synchronous.
   */
  run<T>(work: () => T): Promise<T>;
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

  // Called inside the batch's transaction, better-sqlite3 runs this in a savepoint: a work that
  // throws after some of its writes leaves none of them, and the rest of the batch still commits.
  const isolated = db.transaction((work: () => unknown) => work());

  const commit = db.transaction((batch: Queued[]) => {
    return batch.map(({ work }) => {
      try {
        return { ok: true as const, value: isolated(work) };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
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
    flush,
  };
}

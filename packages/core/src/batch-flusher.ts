import type { Clock } from './clock';
import type { Logger } from './logger';

/** What a {@link createBatchFlusher} drives: one buffered writer with retention. */
export interface BatchTarget {
  /** Writes what is buffered; false when storage failed and the data stays buffered. */
  write(): Promise<boolean>;
  /** Applies retention as of `nowMs`. */
  prune(nowMs: number): Promise<void>;
}

/**
 * Runs a buffered writer's flushes one after another, at most `flushIntervalMs` after the first
 * buffered write, and its retention at most every `pruneIntervalMs`. The timer is unref'd:
 * pending writes never keep the host process alive (`gateway.stop()` flushes them).
 */
export function createBatchFlusher(
  target: BatchTarget,
  deps: { clock: Clock; logger: Logger },
  timing: { flushIntervalMs: number; pruneIntervalMs: number; what: string },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastPruneAt = deps.clock.now();

  function schedule() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, timing.flushIntervalMs);
    timer.unref();
  }

  async function run() {
    if (!(await target.write())) {
      schedule();
      return;
    }
    const now = deps.clock.now();
    if (now - lastPruneAt < timing.pruneIntervalMs) return;
    lastPruneAt = now;
    try {
      await target.prune(now);
    } catch (error) {
      deps.logger.error(`Retention of the ${timing.what} failed`, { error });
    }
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    running = running.then(run);
    return running;
  }

  return { schedule, flush };
}

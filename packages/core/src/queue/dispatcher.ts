import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { LeaseClaim } from '../storage/records';

/** Takes due records from a queue in storage (the outbox, the inbox) and attempts them, a bounded number at a time. */
export interface Dispatcher {
  /** Stable for the dispatcher's life, unique across instances: the owner of its leases. */
  readonly owner: string;
  /** Polls the queue every `pollIntervalMs` until stopped. */
  start(): void;
  /**
   * Stops claiming, then waits for every attempt in flight, at most `timeoutMs`: an attempt still
   * running then is left to its lease, which lapses, so another dispatcher or the next start
   * takes the record again.
   */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Claims due records, as many as there are free slots, and attempts them; resolves with how
   * many once they are settled. What the poll timer runs; tests call it directly.
   */
  tick(): Promise<number>;
  /** Runs an attempt of a record this dispatcher already leases (a fresh one), counted as in flight. */
  run<R>(attempt: () => Promise<R>): Promise<R>;
  /**
   * Takes a free slot for an attempt about to be leased outside a claim: true when one was free
   * (and the dispatcher is not stopped). Give it back with `release()`, or use it with `run()`.
   */
  reserve(): boolean;
  /** Gives back a slot `reserve()` took that no attempt will use. */
  release(): void;
  /** Polls now rather than at the next interval, when running: a record was requeued. */
  poke(): void;
}

/** What a dispatcher needs: its queue's claim and retention, and the attempt itself. */
export interface DispatcherDeps<T> {
  /** What is dispatched, in operators' messages: `delivery`, `event`. */
  what: string;
  claim(claim: LeaseClaim): Promise<T[]>;
  /** Applies retention as of `nowMs`; runs at most once an hour. */
  prune(nowMs: number): Promise<void>;
  /** Attempts a record the dispatcher `owner` leases and settles it. */
  attempt(record: T, owner: string): Promise<unknown>;
  /** Whether to claim at all now (the inbox claims only while the host has a handler). Default: always. */
  active?: () => boolean;
  clock: Clock;
  logger: Logger;
  options: { pollIntervalMs: number; leaseMs: number; concurrency: number };
}

const PRUNE_INTERVAL_MS = 3_600_000;
/** How long `stop()` waits for attempts in flight by default. */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/**
 * Creates a dispatcher. Several may share one queue (gateway instances on one database): a claim
 * leases each record to one of them, and a dispatcher whose lease lapsed cannot settle, so no
 * attempt runs twice while attempts are shorter than leases.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({
 *   what: 'delivery',
 *   claim: (claim) => storage.outbox.claim(claim),
 *   prune: async (nowMs) => void (await storage.outbox.prune(nowMs - retentionMs)),
 *   attempt,
 *   clock,
 *   logger,
 *   options: { pollIntervalMs: 1_000, leaseMs: 60_000, concurrency: 8 },
 * });
 * dispatcher.start();
 * await dispatcher.stop();
 * ```
 */
export function createDispatcher<T extends { id: string }>(deps: DispatcherDeps<T>): Dispatcher {
  const { clock, logger, options, what } = deps;
  const active = deps.active ?? (() => true);
  const owner = `dispatcher_${randomBytes(12).toString('base64url')}`;
  /** Attempts in flight: they take the slots of `concurrency`. */
  const attempts = new Set<Promise<unknown>>();
  /** Ticks under way, claiming or waiting for their attempts: `stop()` waits for them too. */
  const ticks = new Set<Promise<unknown>>();
  let reserved = 0;
  let claiming = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // The first tick prunes: a process restarted more often than hourly would otherwise never do it.
  let lastPruneAt = Number.NEGATIVE_INFINITY;

  const free = () => options.concurrency - attempts.size - reserved;

  function track<R>(set: Set<Promise<unknown>>, work: Promise<R>): Promise<R> {
    set.add(work);
    const forget = () => set.delete(work);
    work.then(forget, forget);
    return work;
  }

  async function settleClaimed(record: T): Promise<void> {
    try {
      await track(attempts, deps.attempt(record, owner));
    } catch (error) {
      // Its lease lapses, and the record is claimed again.
      logger.error(`A ${what} attempt could not be completed`, { id: record.id, error });
    }
  }

  async function prune(nowMs: number): Promise<void> {
    if (nowMs - lastPruneAt < PRUNE_INTERVAL_MS) return;
    lastPruneAt = nowMs;
    try {
      await deps.prune(nowMs);
    } catch (error) {
      logger.error(`Retention of ${what} records failed`, { error });
    }
  }

  async function claimDue(): Promise<T[]> {
    const nowMs = clock.now();
    await prune(nowMs);
    const slots = free();
    return slots > 0 && active() ? deps.claim({ owner, nowMs, leaseMs: options.leaseMs, limit: slots }) : [];
  }

  async function runTick(): Promise<number> {
    let claimed: T[];
    try {
      claimed = await claimDue();
    } finally {
      claiming = false;
    }
    await Promise.all(claimed.map(settleClaimed));
    return claimed.length;
  }

  function tick(): Promise<number> {
    // One claim at a time, so two claims never both count the same free slots.
    if (stopped || claiming) return Promise.resolve(0);
    claiming = true;
    return track(ticks, runTick());
  }

  function poll(): void {
    tick().catch((error: unknown) => logger.error(`Claiming due ${what} records failed`, { error }));
  }

  return {
    owner,
    start() {
      if (timer || stopped) return;
      timer = setInterval(poll, options.pollIntervalMs);
      timer.unref();
      poll();
    },
    async stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS) {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      let deadline: NodeJS.Timeout | undefined;
      const expired = new Promise<boolean>((resolve) => {
        deadline = setTimeout(() => resolve(true), timeoutMs);
      });
      try {
        while (ticks.size + attempts.size > 0) {
          const settled = Promise.allSettled([...ticks, ...attempts]).then(() => false);
          if (await Promise.race([settled, expired])) {
            logger.warn(`Stopped with ${what} attempts still running; their leases lapse and they are taken again`, {
              running: attempts.size,
            });
            return;
          }
        }
      } finally {
        clearTimeout(deadline);
      }
    },
    tick,
    run: (attempt) => track(attempts, attempt()),
    reserve() {
      if (stopped || free() <= 0) return false;
      reserved++;
      return true;
    },
    release() {
      reserved = Math.max(0, reserved - 1);
    },
    poke() {
      if (timer) poll();
    },
  };
}

const dispatchers = new WeakMap<object, { outbox: Dispatcher; inbox: Dispatcher }>();

/**
 * Records the dispatchers of a gateway, for {@link dispatcherOf}. Internal: the gateway calls it.
 *
 * @example
 * ```ts
 * attachDispatchers(gateway, { outbox, inbox });
 * ```
 */
export function attachDispatchers(gateway: object, both: { outbox: Dispatcher; inbox: Dispatcher }): void {
  dispatchers.set(gateway, both);
}

/**
 * A dispatcher of a gateway. Internal, for tests that run its `tick()` on a manual clock instead
 * of sleeping through backoff; not part of the public API.
 *
 * @throws TypeError when `gateway` was not made by `createGateway`.
 * @example
 * ```ts
 * clock.advance(10_000);
 * await dispatcherOf(gateway, 'inbox').tick();
 * ```
 */
export function dispatcherOf(gateway: object, queue: 'outbox' | 'inbox' = 'outbox'): Dispatcher {
  const both = dispatchers.get(gateway);
  if (both === undefined) throw new TypeError('Not a gateway made by createGateway.');
  return both[queue];
}

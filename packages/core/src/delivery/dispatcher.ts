import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { DeliveryRecord } from '../storage/records';
import type { OutboxStore } from '../storage/storage';
import type { AttemptDelivery, AttemptOutcome } from './attempt-delivery';
import type { ResolvedDeliveryOptions } from './delivery-options';

/** Takes due deliveries from the outbox and attempts them, a bounded number at a time. */
export interface Dispatcher {
  /** Stable for the dispatcher's life, unique across instances: the owner of its leases. */
  readonly owner: string;
  /** Polls the outbox every `pollIntervalMs` until stopped. */
  start(): void;
  /** Stops claiming, then waits for every attempt in flight (drain). */
  stop(): Promise<void>;
  /**
   * Claims due deliveries, as many as there are free slots, and attempts them; resolves with
   * how many once they are settled. What the poll timer runs; tests call it directly.
   */
  tick(): Promise<number>;
  /** Attempts a delivery this dispatcher already leases (a fresh one), counted as in flight. */
  deliver(delivery: DeliveryRecord, actor?: string): Promise<AttemptOutcome>;
  /** Polls now rather than at the next interval, when running: a delivery was requeued. */
  poke(): void;
}

/** Services the dispatcher needs. */
export interface DispatcherDeps {
  outbox: OutboxStore;
  clock: Clock;
  logger: Logger;
  attempt: AttemptDelivery;
  options: Pick<ResolvedDeliveryOptions, 'pollIntervalMs' | 'leaseMs' | 'concurrency' | 'retentionMs'>;
}

const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * Creates a dispatcher. Several may share one outbox (gateway instances on one database): a
 * claim leases each delivery to one of them, and a dispatcher whose lease lapsed cannot settle,
 * so no attempt is sent twice while attempts are shorter than leases.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ outbox: storage.outbox, clock, logger, attempt, options });
 * dispatcher.start();
 * await dispatcher.stop();
 * ```
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { outbox, clock, logger, attempt, options } = deps;
  const owner = `dispatcher_${randomBytes(12).toString('base64url')}`;
  /** Attempts in flight: they take the slots of `concurrency`. */
  const attempts = new Set<Promise<unknown>>();
  /** Ticks under way, claiming or waiting for their attempts: `stop()` waits for them too. */
  const ticks = new Set<Promise<unknown>>();
  let claiming = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastPruneAt = clock.now();

  function track<T>(set: Set<Promise<unknown>>, work: Promise<T>): Promise<T> {
    set.add(work);
    const forget = () => set.delete(work);
    work.then(forget, forget);
    return work;
  }

  async function settleClaimed(delivery: DeliveryRecord): Promise<void> {
    try {
      await track(attempts, attempt(delivery, owner));
    } catch (error) {
      // Its lease lapses, and the delivery is claimed again.
      logger.error('A delivery attempt could not be completed', { deliveryId: delivery.id, error });
    }
  }

  async function prune(nowMs: number): Promise<void> {
    if (nowMs - lastPruneAt < PRUNE_INTERVAL_MS) return;
    lastPruneAt = nowMs;
    try {
      await outbox.prune(nowMs - options.retentionMs);
    } catch (error) {
      logger.error('Outbox retention failed', { error });
    }
  }

  async function claimDue(): Promise<DeliveryRecord[]> {
    const nowMs = clock.now();
    await prune(nowMs);
    const free = options.concurrency - attempts.size;
    return free > 0 ? outbox.claim({ owner, nowMs, leaseMs: options.leaseMs, limit: free }) : [];
  }

  async function runTick(): Promise<number> {
    let claimed: DeliveryRecord[];
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
    tick().catch((error: unknown) => logger.error('Claiming due deliveries failed', { error }));
  }

  return {
    owner,
    start() {
      if (timer || stopped) return;
      timer = setInterval(poll, options.pollIntervalMs);
      timer.unref();
      poll();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      while (ticks.size + attempts.size > 0) await Promise.allSettled([...ticks, ...attempts]);
    },
    tick,
    deliver: (delivery, actor) => track(attempts, attempt(delivery, owner, actor)),
    poke() {
      if (timer) poll();
    },
  };
}

const dispatchers = new WeakMap<object, Dispatcher>();

/**
 * Records the dispatcher of a gateway, for {@link dispatcherOf}. Internal: the gateway calls it.
 *
 * @example
 * ```ts
 * attachDispatcher(gateway, dispatcher);
 * ```
 */
export function attachDispatcher(gateway: object, dispatcher: Dispatcher): void {
  dispatchers.set(gateway, dispatcher);
}

/**
 * The dispatcher of a gateway. Internal, for tests that run its `tick()` on a manual clock
 * instead of sleeping through backoff; not part of the public API.
 *
 * @throws TypeError when `gateway` was not made by `createGateway`.
 * @example
 * ```ts
 * clock.advance(10_000);
 * await dispatcherOf(gateway).tick();
 * ```
 */
export function dispatcherOf(gateway: object): Dispatcher {
  const dispatcher = dispatchers.get(gateway);
  if (dispatcher === undefined) throw new TypeError('Not a gateway made by createGateway.');
  return dispatcher;
}

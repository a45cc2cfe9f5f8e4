import { z } from 'zod';
import type { Clock } from '../clock';
import { PorticoError } from '../errors';
import type { LogWriter } from '../logs/log-writer';
import { parseInput } from '../schemas/parse';
import type { DeliveryRecord, Page } from '../storage/records';
import type { Storage } from '../storage/storage';
import type { Dispatcher } from '../queue/dispatcher';

/**
 * The states of a delivery: `pending` (due or waiting for a retry), `delivered`, `failed`.
 *
 * @example
 * ```ts
 * deliveryStatuses.includes('failed'); // true
 * ```
 */
export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;

/**
 * Filters of `gateway.deliveries.list`, newest first.
 *
 * @example
 * ```ts
 * deliveryQuerySchema.parse({ intId: 'GW-1A2B3C4D', status: 'failed' }).limit; // 50
 * ```
 */
export const deliveryQuerySchema = z.strictObject({
  intId: z.string().max(64).optional(),
  status: z.enum(deliveryStatuses).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.int().min(1).max(500).default(50),
});

/** Input of `gateway.deliveries.list`. */
export type DeliveryQueryInput = z.input<typeof deliveryQuerySchema>;

/** The outbox, as operators see it. */
export interface Deliveries {
  /** Newest first, with every attempt. */
  list(query?: DeliveryQueryInput): Promise<Page<DeliveryRecord>>;
  /** Throws `NOT_FOUND`. */
  get(id: string): Promise<DeliveryRecord>;
  /**
   * Makes a `failed` delivery due again now, keeping its attempts; the dispatcher sends it with
   * the same body and `webhook-id`, resuming the retry schedule where it stopped. Throws
   * `NOT_FOUND`, or `DELIVERY_NOT_FAILED` when it is pending or delivered.
   */
  retry(id: string, actor: string): Promise<DeliveryRecord>;
}

const notFound = (id: string) => new PorticoError('NOT_FOUND', `Delivery '${id}' not found.`);

/**
 * Creates the outbox view over a store.
 *
 * @example
 * ```ts
 * const deliveries = createDeliveries({ storage, clock, log, dispatcher });
 * const failed = await deliveries.list({ status: 'failed' });
 * ```
 */
export function createDeliveries(deps: { storage: Storage; clock: Clock; log: LogWriter; dispatcher: Dispatcher }): Deliveries {
  const { storage, clock, log, dispatcher } = deps;

  async function get(id: string): Promise<DeliveryRecord> {
    const delivery = await storage.outbox.get(id);
    if (delivery === null) throw notFound(id);
    return delivery;
  }

  return {
    async list(rawQuery = {}) {
      return storage.outbox.list(parseInput(deliveryQuerySchema, rawQuery, 'delivery query'));
    },
    get,
    async retry(id, actor) {
      const requeued = await storage.outbox.requeue(id, clock.now());
      if (requeued === null) {
        const { status } = await get(id);
        throw new PorticoError('DELIVERY_NOT_FAILED', `Delivery '${id}' is ${status}; only a failed delivery can be retried.`);
      }
      log.write({
        intId: requeued.intId,
        direction: 'SYSTEM',
        event: 'DELIVERY_REQUEUED',
        status: 'OK',
        payload: { delivery_id: id, by: actor },
      });
      dispatcher.poke();
      return requeued;
    },
  };
}

import { randomFillSync } from 'node:crypto';

/** Makes the identifiers of records Portico creates; injected so tests get stable ids. */
export interface IdGenerator {
  /** `GW-` followed by 8 upper-case hex digits, as the original. */
  integrationId(): string;
  /** `LOG-` followed by 8 upper-case hex digits, as the original. */
  logId(): string;
  /** The id of an outbound delivery; also its `webhook-id`, so it must be unique for good. */
  deliveryId(): string;
  /** The id of an inbound event whose sender gave none (schemes without `webhook-id`). */
  eventId(): string;
}

// A `randomBytes` call per id cost 4.5% of an accepted webhook (each log entry has one): one
// refill of a pool serves hundreds of ids, still from node:crypto.
const pool = Buffer.alloc(4096);
let used = pool.length;
function take(bytes: number, encoding: 'hex' | 'base64url'): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString(encoding, used - bytes, used);
}
const hex = (bytes: number) => take(bytes, 'hex').toUpperCase();

/**
 * Random ids from `node:crypto`.
 *
 * @example
 * ```ts
 * randomIds.integrationId(); // 'GW-3F9A0C1B'
 * ```
 */
export const randomIds: IdGenerator = {
  integrationId: () => `GW-${hex(4)}`,
  logId: () => `LOG-${hex(4)}`,
  deliveryId: () => `msg_${take(16, 'base64url')}`,
  eventId: () => `evt_${take(16, 'base64url')}`,
};

/**
 * Counting ids, for tests that assert on them.
 *
 * @example
 * ```ts
 * const ids = sequentialIds();
 * ids.integrationId(); // 'GW-00000001'
 * ```
 */
export function sequentialIds(): IdGenerator {
  let n = 0;
  const next = () => (++n).toString(16).toUpperCase().padStart(8, '0');
  return {
    integrationId: () => `GW-${next()}`,
    logId: () => `LOG-${next()}`,
    deliveryId: () => `msg_${next()}`,
    eventId: () => `evt_${next()}`,
  };
}

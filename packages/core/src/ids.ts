import { pooledRandomBytes } from './crypto/random-pool';

/** Makes the identifiers of records Portico creates; injected so tests get stable ids. */
export interface IdGenerator {
  /** `GW-` followed by 8 upper-case hex digits, as the original. */
  integrationId(): string;
  /** `LOG-` followed by 8 upper-case hex digits, as the original. */
  logId(): string;
  /** The id of an outbound delivery; also its `webhook-id`, so it must be unique for good. */
  deliveryId(): string;
  /** The id of an accepted webhook in the inbox: unique for good. */
  eventId(): string;
}

const take = (bytes: number, encoding: 'hex' | 'base64url') => pooledRandomBytes(bytes).toString(encoding);
const hex = (bytes: number) => take(bytes, 'hex').toUpperCase();
/*
 * Event ids start with the time, so a store's index on them grows at one end, as inserts of
 * increasing keys do, instead of touching a random page per webhook.
 */
const timePrefix = () => Date.now().toString(16).padStart(12, '0');

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
  eventId: () => `evt_${timePrefix()}${take(12, 'base64url')}`,
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

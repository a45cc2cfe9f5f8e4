import { memoryIntegrationStore } from './memory-integration-store';
import { memoryLogStore } from './memory-log-store';
import { memoryOutboxStore } from './memory-outbox-store';
import { memoryReplayStore } from './memory-replay-store';
import { memoryUsageStore } from './memory-usage-store';
import type { Storage } from './storage';

/**
 * Everything in process memory, with the semantics of the SQL stores (unique key hashes,
 * optimistic versions, keyset pagination, leases), so it passes the same `runStorageSuite`.
 * Nothing survives a restart: use it for tests, demos and single-process hosts that accept that.
 * Every method does its check and its write in one synchronous step, so concurrent calls are
 * as atomic as a database transaction makes them.
 *
 * @example
 * ```ts
 * import { createGateway, memoryStorage } from '@portico/core';
 *
 * const gateway = createGateway({ storage: memoryStorage() });
 * ```
 */
export function memoryStorage(): Storage {
  const usage = memoryUsageStore();
  return {
    integrations: memoryIntegrationStore({ onRemove: (id) => usage.forget(id) }),
    logs: memoryLogStore(),
    usage,
    replay: memoryReplayStore(),
    outbox: memoryOutboxStore(),
    close: async () => {},
  };
}

import { z } from 'zod';
import { checkOptions, numberOption } from '../schemas/options';
import { DEFAULT_MEMORY_INBOX_EVENTS, memoryInboxStore } from './memory-inbox-store';
import { memoryIntegrationStore } from './memory-integration-store';
import { memoryLogStore } from './memory-log-store';
import { memoryOutboxStore } from './memory-outbox-store';
import { memoryReplayStore } from './memory-replay-store';
import { memoryUsageStore } from './memory-usage-store';
import type { Storage } from './storage';

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * Accepted webhooks the inbox holds at most; past it the oldest handed-off ones go first,
   * then the oldest still pending. Default 10,000.
   */
  maxInboxEvents?: number;
}

const optionsSchema = z.strictObject({ maxInboxEvents: numberOption.optional() } satisfies Record<keyof MemoryStorageOptions, z.ZodType>);

/**
 * Everything in process memory, with the semantics of the SQL stores (unique key hashes,
 * optimistic versions, keyset pagination, leases), so it passes the same `runStorageSuite`.
 * Nothing survives a restart, so a 202 to a webhook promises only that this process has it:
 * use it for tests, demos and single-process hosts that accept that. Every method does its
 * check and its write in one synchronous step, so concurrent calls are as atomic as a database
 * transaction makes them.
 *
 * @throws TypeError naming an unknown or mistyped option; RangeError when `maxInboxEvents` is
 * not a positive integer.
 * @example
 * ```ts
 * import { createGateway, memoryStorage } from '@portico/core';
 *
 * const gateway = createGateway({ storage: memoryStorage() });
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): Storage {
  checkOptions(optionsSchema, options, 'memoryStorage options');
  const maxInboxEvents = options.maxInboxEvents ?? DEFAULT_MEMORY_INBOX_EVENTS;
  if (!Number.isSafeInteger(maxInboxEvents) || maxInboxEvents < 1) {
    throw new RangeError(`maxInboxEvents must be a positive integer, got ${String(maxInboxEvents)}.`);
  }
  const usage = memoryUsageStore();
  const logs = memoryLogStore();
  const replay = memoryReplayStore();
  return {
    integrations: memoryIntegrationStore({ onRemove: (id) => usage.forget(id) }),
    logs,
    usage,
    replay,
    outbox: memoryOutboxStore(),
    inbox: memoryInboxStore({ replay, logs, usage }, maxInboxEvents),
    close: async () => {},
  };
}

import type { Storage } from '@portico/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { inboxStoreTests } from './storage-suite/inbox-tests';
import { integrationStoreTests } from './storage-suite/integration-tests';
import { logStoreTests } from './storage-suite/log-tests';
import { outboxStoreTests } from './storage-suite/outbox-tests';
import { replayStoreTests } from './storage-suite/replay-tests';
import { usageStoreTests } from './storage-suite/usage-tests';

export {
  HOUR_MS,
  MINUTE_MS,
  T0,
  makeDeliveryRecord,
  makeInboxRecord,
  makeIntegrationRecord,
  makeLogEntry,
  makeUsageDelta,
  randomHex,
  randomIntegrationId,
} from './storage-suite/fixtures';

/** Options of {@link runStorageSuite}. */
export interface StorageSuiteOptions {
  /** Runs after each test, once the storage is closed: drop the test's database, schema or file. */
  teardown?: (storage: Storage) => Promise<void>;
}

/**
 * The contract every Portico store must pass, as a vitest `describe` block: key-hash uniqueness,
 * optimistic versions, copies, keyset pagination, log order and retention, atomic usage
 * counters, replay memory, exclusive outbox and inbox leases, and all-or-nothing inbox
 * acceptances, all through the {@link Storage} interface.
 *
 * `factory` runs before every test and must return an empty storage (a new in-memory store, a
 * fresh SQLite file, a new PostgreSQL schema). Tests use fixed epoch times and random ids.
 *
 * @example
 * ```ts
 * import { runStorageSuite } from '@portico/testing';
 * import { sqliteStorage } from '@portico/sqlite';
 *
 * runStorageSuite('sqliteStorage', () => sqliteStorage({ filename: ':memory:' }));
 * ```
 */
export function runStorageSuite(
  name: string,
  factory: () => Promise<Storage> | Storage,
  options: StorageSuiteOptions = {},
): void {
  describe(name, () => {
    let current: Storage | undefined;
    const storage = (): Storage => {
      if (current === undefined) throw new Error('The storage suite reads its storage only inside a test.');
      return current;
    };

    beforeEach(async () => {
      current = await factory();
    });

    afterEach(async () => {
      const finished = current;
      current = undefined;
      if (finished === undefined) return;
      await finished.close();
      await options.teardown?.(finished);
    });

    integrationStoreTests(storage);
    logStoreTests(storage);
    usageStoreTests(storage);
    replayStoreTests(storage);
    outboxStoreTests(storage);
    inboxStoreTests(storage);
  });
}

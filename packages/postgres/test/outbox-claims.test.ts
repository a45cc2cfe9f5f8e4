import type { DeliveryRecord } from '@portico/core';
import { describeWithServices, makeDeliveryRecord, T0 } from '@portico/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresStorage, type PostgresStorage } from '../src/index';
import { dropSchema, postgresAnswers, TEST_PG_URL, throwawaySchema } from './postgres-server';

const DELIVERIES = 200;
const CLAIMERS_PER_INSTANCE = 4;
const BATCH = 7;

await describeWithServices('postgresStorage outbox claims across instances', { postgres: postgresAnswers }, () => {
  const schema = throwawaySchema();
  let instances: PostgresStorage[];
  let admin: Pool;

  beforeAll(async () => {
    admin = new Pool({ connectionString: TEST_PG_URL });
    // Two instances, each with a pool of its own, as two gateway processes would have.
    instances = [0, 1].map(() => postgresStorage({ connectionString: TEST_PG_URL }, { schema }));
    await Promise.all(instances.map((instance) => instance.ready()));
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await dropSchema(admin, schema);
    await admin.end();
  });

  it(`never hands one of ${DELIVERIES} deliveries to two claimers on two pools`, async () => {
    const deliveries = Array.from({ length: DELIVERIES }, (_, index) => makeDeliveryRecord({ nextAttemptAt: T0 - (index % 13) }));
    for (const delivery of deliveries) await instances[0]?.outbox.enqueue(delivery);

    const drain = async (instance: PostgresStorage, owner: string) => {
      const claimed: DeliveryRecord[] = [];
      for (;;) {
        const batch = await instance.outbox.claim({ owner, nowMs: T0, leaseMs: 60_000, limit: BATCH });
        if (batch.length === 0) return claimed;
        claimed.push(...batch);
      }
    };
    const claimers = instances.flatMap((instance, index) =>
      Array.from({ length: CLAIMERS_PER_INSTANCE }, (_, claimer) => ({ instance, owner: `instance-${index}/claimer-${claimer}` })),
    );
    const results = await Promise.all(claimers.map(({ instance, owner }) => drain(instance, owner)));

    const claimedIds = results.flat().map((delivery) => delivery.id);
    expect(claimedIds).toHaveLength(DELIVERIES);
    expect(new Set(claimedIds).size).toBe(DELIVERIES);
    expect([...claimedIds].sort()).toEqual(deliveries.map((delivery) => delivery.id).sort());
    for (const [index, claimed] of results.entries()) {
      for (const delivery of claimed) expect(delivery.leaseOwner).toBe(claimers[index]?.owner);
    }
    // Both instances took part, or the test proved nothing about two pools.
    const perInstance = [0, 1].map((instance) =>
      results.slice(instance * CLAIMERS_PER_INSTANCE, (instance + 1) * CLAIMERS_PER_INSTANCE).flat().length,
    );
    expect(perInstance.every((count) => count > 0)).toBe(true);
  });
});

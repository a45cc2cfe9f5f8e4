import type { Storage } from '@portico/core';
import { T0, makeDeliveryRecord, makeIntegrationRecord, makeUsageDelta } from '@portico/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../src/index';
import { bundleSqliteStorage, runChild, type Bundle } from './support/child-processes';
import { tempFiles } from './support/temp-files';

const DELIVERIES = 200;
const LEASE_MS = 3_600_000;

const files = tempFiles();
afterEach(() => files.removeAll());

/** Claims, a few at a time, until nothing is left to claim; yields between claims so others run. */
async function claimUntilEmpty(storage: Storage, owner: string): Promise<string[]> {
  const claimedIds: string[] = [];
  for (;;) {
    const claimed = await storage.outbox.claim({ owner, nowMs: T0, leaseMs: LEASE_MS, limit: 3 });
    if (claimed.length === 0) return claimedIds;
    claimedIds.push(...claimed.map((delivery) => delivery.id));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A new file holding `DELIVERIES` due deliveries; returns the file and their ids, sorted. */
async function fileWithDeliveries(): Promise<{ filename: string; ids: string[] }> {
  const filename = files.newDatabase();
  const storage = sqliteStorage({ filename });
  const deliveries = Array.from({ length: DELIVERIES }, (_, index) => makeDeliveryRecord({ nextAttemptAt: T0 - index }));
  for (const delivery of deliveries) await storage.outbox.enqueue(delivery);
  await storage.close();
  return { filename, ids: deliveries.map((delivery) => delivery.id).sort() };
}

describe('two storages on one file', () => {
  it('never lease one delivery to both, and lease them all between them', async () => {
    const { filename, ids } = await fileWithDeliveries();
    const [left, right] = [sqliteStorage({ filename }), sqliteStorage({ filename })];
    const claims = await Promise.all([claimUntilEmpty(left, 'dispatcher-a'), claimUntilEmpty(right, 'dispatcher-b')]);
    const owners = ['dispatcher-a', 'dispatcher-b'];
    for (const [index, claimedIds] of claims.entries()) {
      for (const id of claimedIds) expect((await left.outbox.get(id))?.leaseOwner).toBe(owners[index]);
    }
    await Promise.all([left.close(), right.close()]);

    const union = claims.flat();
    expect(new Set(union).size).toBe(union.length);
    expect(union.sort()).toEqual(ids);
  });

  it('see each other’s writes: key hashes stay unique and usage adds up across both', async () => {
    const filename = files.newDatabase();
    const [left, right] = [sqliteStorage({ filename }), sqliteStorage({ filename })];
    const record = makeIntegrationRecord();
    expect(await left.integrations.insert(record)).toBe(true);
    expect(await right.integrations.insert(makeIntegrationRecord({ keyHash: record.keyHash }))).toBe(false);
    expect(await right.integrations.getByKeyHash(record.keyHash, T0)).toEqual(record);

    await Promise.all(
      Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? left : right).usage.add([makeUsageDelta({ intId: record.id })])),
    );
    expect((await left.usage.totals(record.id)).success).toBe(50);
    await Promise.all([left.close(), right.close()]);
  });
});

describe('two processes on one file', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await bundleSqliteStorage();
  });
  afterAll(() => bundle.remove());

  it.each([1, 2, 3])('never lease one delivery to both, and lease them all between them (round %i)', async () => {
    const { filename, ids } = await fileWithDeliveries();
    const startAtMs = String(Date.now() + 300);
    const outputs = await Promise.all(
      ['dispatcher-a', 'dispatcher-b'].map((owner) => runChild('claim-child.mjs', bundle, filename, owner, startAtMs)),
    );
    const union = outputs.flatMap((output) => JSON.parse(output) as string[]);
    expect(new Set(union).size).toBe(union.length);
    expect(union.sort()).toEqual(ids);
  });
});

import { describe, expect, it } from 'vitest';
import type { InboxRecord } from '../../src/storage/records';
import { memoryStorage } from '../../src/storage/memory-storage';

const T0 = Date.UTC(2026, 0, 1);
let next = 0;

function accept(storage: ReturnType<typeof memoryStorage>, overrides: Partial<InboxRecord>): Promise<string> {
  const id = `evt_${String(++next).padStart(8, '0')}`;
  const event: InboxRecord = {
    id,
    intId: 'GW-0000000A',
    messageId: null,
    event: 'PING',
    sealedRequest: 'v1.k1.x.y.z',
    test: false,
    status: 'pending',
    attempts: [],
    nextAttemptAt: T0,
    leaseOwner: null,
    leaseExpiresAt: null,
    receivedAt: T0,
    updatedAt: T0,
    ...overrides,
  };
  const log = { id: `LOG-${id}`, intId: event.intId, direction: 'IN' as const, event: 'WEBHOOK_PING', status: 'OK' as const, payload: null, error: '', loggedAt: T0 };
  return storage.inbox.accept({ event, replayTtlMs: null, log }).then(() => id);
}

describe('the memory inbox cap', () => {
  it('drops handed-off events first, then the oldest pending ones', async () => {
    const storage = memoryStorage({ maxInboxEvents: 3 });
    const delivered = await accept(storage, { receivedAt: T0, status: 'delivered', nextAttemptAt: null });
    const pending = [];
    for (let i = 1; i <= 4; i++) pending.push(await accept(storage, { receivedAt: T0 + i }));
    const kept = (await storage.inbox.list({ limit: 10 })).items.map((event) => event.id);
    expect(kept).toEqual([pending[3], pending[2], pending[1]]);
    expect(kept).not.toContain(delivered);
  });

  it('keeps accepting at the cap when every event is pending, holding the newest (shedding to nine tenths)', async () => {
    const storage = memoryStorage({ maxInboxEvents: 100 });
    const ids = [];
    for (let i = 0; i < 1_000; i++) ids.push(await accept(storage, { receivedAt: T0 + i }));
    const page = await storage.inbox.list({ limit: 500 });
    expect(page.total).toBeGreaterThanOrEqual(90);
    expect(page.total).toBeLessThanOrEqual(100);
    expect(page.items[0]?.id).toBe(ids.at(-1));
  });
});

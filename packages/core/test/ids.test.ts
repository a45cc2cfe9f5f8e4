import { describe, expect, it } from 'vitest';
import { randomIds, sequentialIds } from '../src/ids';

describe('randomIds', () => {
  it('keeps the original formats across many pool refills', () => {
    const deliveries = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      expect(randomIds.integrationId()).toMatch(/^GW-[0-9A-F]{8}$/);
      expect(randomIds.logId()).toMatch(/^LOG-[0-9A-F]{8}$/);
      const delivery = randomIds.deliveryId();
      expect(delivery).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
      expect(randomIds.eventId()).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
      deliveries.add(delivery);
    }
    // 128 random bits each: any repeat means the pool handed out the same bytes twice.
    expect(deliveries.size).toBe(2_000);
  });

  it('counts with sequentialIds, for tests', () => {
    const ids = sequentialIds();
    expect([ids.integrationId(), ids.logId(), ids.deliveryId(), ids.eventId()]).toEqual([
      'GW-00000001',
      'LOG-00000002',
      'msg_00000003',
      'evt_00000004',
    ]);
  });
});

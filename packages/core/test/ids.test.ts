import { describe, expect, it, vi } from 'vitest';
import { randomIds, sequentialIds } from '../src/ids';

describe('randomIds', () => {
  it('keeps the original formats across many pool refills', () => {
    const deliveries = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      expect(randomIds.integrationId()).toMatch(/^GW-[0-9A-F]{8}$/);
      expect(randomIds.logId()).toMatch(/^LOG-[0-9A-F]{8}$/);
      const delivery = randomIds.deliveryId();
      expect(delivery).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
      expect(randomIds.eventId()).toMatch(/^evt_[0-9a-f]{12}[A-Za-z0-9_-]{16}$/);
      deliveries.add(delivery);
    }
    // 128 random bits each: any repeat means the pool handed out the same bytes twice.
    expect(deliveries.size).toBe(2_000);
  });

  it('makes event ids that sort in the order they were made, a millisecond apart or more', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 2) });
    try {
      const made = [...Array(50).keys()].map(() => {
        vi.advanceTimersByTime(1);
        return randomIds.eventId();
      });
      expect([...made].sort()).toEqual(made);
    } finally {
      vi.useRealTimers();
    }
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

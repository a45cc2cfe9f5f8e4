import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS, resolveDeliveryOptions, type DeliveryOptions } from '../../src/delivery/delivery-options';

describe('resolveDeliveryOptions', () => {
  it('defaults to the Svix schedule, 15 s attempts, 60 s leases, 8 at once', () => {
    expect(resolveDeliveryOptions()).toEqual({
      retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      timeoutMs: 15_000,
      pollIntervalMs: 1_000,
      leaseMs: 60_000,
      concurrency: 8,
      failingAfter: 20,
      retentionMs: 30 * 86_400_000,
    });
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(7);
  });

  it.each<[string, DeliveryOptions, RegExp]>([
    ['a zero timeout', { timeoutMs: 0 }, /timeoutMs must be an integer >= 1/],
    ['a fractional concurrency', { concurrency: 1.5 }, /concurrency must be an integer >= 1/],
    ['a negative wait', { retryScheduleMs: [5_000, -1] }, /retryScheduleMs\[1\] must be an integer >= 0/],
    ['a lease no longer than an attempt', { timeoutMs: 30_000, leaseMs: 30_000 }, /leaseMs must be longer than delivery.timeoutMs/],
    ['zero failures to flag', { failingAfter: 0 }, /failingAfter/],
  ])('refuses %s', (_, options, message) => {
    expect(() => resolveDeliveryOptions(options)).toThrow(message);
  });

  it('accepts an empty schedule: one attempt, no retries', () => {
    expect(resolveDeliveryOptions({ retryScheduleMs: [] }).retryScheduleMs).toEqual([]);
  });
});

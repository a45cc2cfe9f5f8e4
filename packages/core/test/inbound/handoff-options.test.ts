import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDOFF_SCHEDULE_MS, resolveHandoffOptions } from '../../src/inbound/handoff-options';

describe('handoff options', () => {
  it('applies the defaults', () => {
    expect(resolveHandoffOptions()).toEqual({
      retryScheduleMs: DEFAULT_HANDOFF_SCHEDULE_MS,
      timeoutMs: 30_000,
      pollIntervalMs: 1_000,
      leaseMs: 60_000,
      concurrency: 8,
      retentionMs: 7 * 24 * 3_600_000,
    });
  });

  it.each([
    [{ timeoutMs: 0 }, /handoff\.timeoutMs/],
    [{ concurrency: 1.5 }, /handoff\.concurrency/],
    [{ retryScheduleMs: [1_000, -1] }, /handoff\.retryScheduleMs\[1\]/],
    [{ timeoutMs: 60_000 }, /leaseMs must be longer than handoff\.timeoutMs/],
    [{ retentionMs: 3_600_000 }, /retentionMs must cover the retry schedule/],
  ])('refuses %o with a RangeError naming it', (options, message) => {
    expect(() => resolveHandoffOptions(options)).toThrow(RangeError);
    expect(() => resolveHandoffOptions(options)).toThrow(message);
  });
});

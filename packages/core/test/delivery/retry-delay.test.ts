import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs, retryDelayMs } from '../../src/queue/retry-delay';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each<[string | string[] | undefined, number | null]>([
    ['120', 120_000],
    [' 0 ', 0],
    [['30', '60'], 30_000],
    ['Thu, 01 Jan 2026 12:01:00 GMT', 60_000],
    ['Thu, 01 Jan 2026 11:00:00 GMT', 0],
    ['999999999', MAX_RETRY_AFTER_MS],
    ['-5', null],
    ['1.5', null],
    ['soon', null],
    ['', null],
    [undefined, null],
  ])('reads %j as %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it('stays within ±20% of the wait', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 36_000_000 }), (waitMs) => {
        const delay = retryDelayMs(waitMs, null);
        return delay >= waitMs - Math.round(waitMs * 0.2) && delay <= waitMs + Math.round(waitMs * 0.2);
      }),
    );
  });

  it('spreads retries out', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(300_000, null)));
    expect(delays.size).toBeGreaterThan(1);
  });

  it("takes the receiver's Retry-After when longer, never when shorter", () => {
    expect(retryDelayMs(5_000, 120_000)).toBe(120_000);
    expect(retryDelayMs(3_600_000, 1_000)).toBeGreaterThanOrEqual(2_880_000);
  });
});

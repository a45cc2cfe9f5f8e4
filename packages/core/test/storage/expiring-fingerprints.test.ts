import { describe, expect, it } from 'vitest';
import { expiringFingerprints } from '../../src/storage/expiring-fingerprints';

const T0 = Date.UTC(2026, 0, 1);

describe('expiringFingerprints', () => {
  it('refuses a live text, takes it again once expired, and never remembers a past expiry', () => {
    const seen = expiringFingerprints();
    expect(seen.add('a', T0 + 10, T0)).toBe(true);
    expect(seen.add('a', T0 + 10, T0 + 9)).toBe(false);
    expect(seen.add('a', T0 + 20, T0 + 10)).toBe(true);
    expect(seen.add('a', T0 + 30, T0 + 19)).toBe(false);
    expect(seen.add('b', T0, T0)).toBe(true);
    expect(seen.add('b', T0, T0)).toBe(true);
  });

  it('keeps every live text through rebuilds, and reuses expired slots', () => {
    const seen = expiringFingerprints();
    const texts = Array.from({ length: 20_000 }, (_, i) => `GW-1/msg_${i}`);
    texts.forEach((text, i) => expect(seen.add(text, T0 + 1_000 + i, T0)).toBe(true));
    expect(texts.every((text) => !seen.add(text, T0 + 5_000, T0 + 500))).toBe(true);
    // Past every expiry but the last 100: new texts fill the table and rebuild it.
    const later = T0 + 1_000 + 19_899;
    for (let i = 0; i < 5_000; i++) expect(seen.add(`GW-2/msg_${i}`, later + 1_000, later)).toBe(true);
    expect(texts.slice(-100).every((text) => !seen.add(text, later + 1, later))).toBe(true);
    expect(texts.slice(0, 100).every((text) => seen.add(text, later + 1_000, later))).toBe(true);
  });

  it('draws a new salt per set, so fingerprints differ between sets', () => {
    // Both sets agree on membership: the salt changes where entries land, not what they mean.
    const [one, two] = [expiringFingerprints(), expiringFingerprints()];
    for (let i = 0; i < 2_000; i++) {
      expect(one.add(`x${i}`, T0 + 1, T0)).toBe(two.add(`x${i}`, T0 + 1, T0));
    }
  });
});

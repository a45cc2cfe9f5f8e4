import { describe, expect, it } from 'vitest';
import { digestsEqual } from '../../src/crypto/digests-equal';

describe('digestsEqual', () => {
  it.each([
    ['equal bytes', [1, 2, 3], [1, 2, 3], true],
    ['one byte differs', [1, 2, 3], [1, 2, 4], false],
    ['shorter', [1, 2, 3], [1, 2], false],
    ['longer', [1, 2], [1, 2, 3], false],
    ['both empty', [], [], true],
    ['one empty', [], [0], false],
  ])('%s', (_name, a, b, expected) => {
    expect(digestsEqual(Uint8Array.from(a), Uint8Array.from(b))).toBe(expected);
  });

  it('compares only the bytes a view covers', () => {
    const backing = Uint8Array.from([9, 1, 2, 3, 9]);
    expect(digestsEqual(backing.subarray(1, 4), Buffer.from([1, 2, 3]))).toBe(true);
  });
});

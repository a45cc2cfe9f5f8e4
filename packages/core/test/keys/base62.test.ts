import { describe, expect, it } from 'vitest';
import { encodeBase62 } from '../../src/keys/base62';

describe('encodeBase62', () => {
  it.each([
    [0n, 3, '000'],
    [9n, 3, '009'],
    [10n, 3, '00A'],
    [61n, 3, '00z'],
    [62n, 3, '010'],
    [62n ** 3n - 1n, 3, 'zzz'],
    [0xffffffffn, 6, '4gfFC3'],
  ])('writes %s in %i characters as %j', (value, length, expected) => {
    expect(encodeBase62(value, length)).toBe(expected);
  });

  it('fits any 32 bytes in 43 characters, left-padded', () => {
    expect(encodeBase62(0n, 43)).toBe('0'.repeat(43));
    expect(encodeBase62(2n ** 256n - 1n, 43)).toHaveLength(43);
  });

  it.each([
    ['too large for the width', 62n ** 3n, 3],
    ['negative', -1n, 3],
  ])('refuses a value %s', (_name, value, length) => {
    expect(() => encodeBase62(value, length)).toThrow(RangeError);
  });
});

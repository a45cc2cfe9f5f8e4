import { describe, expect, it } from 'vitest';
import { passesLuhn } from '../../src/mask/luhn';

describe('passesLuhn', () => {
  it.each([
    ['4111111111111111', true],
    ['4111 1111 1111 1111', true],
    ['5500-0000-0000-0004', true],
    ['378282246310005', true],
    ['79927398713', true],
    ['4111111111111112', false],
    ['1234567812345678', false],
    ['', false],
    ['abc', false],
  ])('%j → %s', (digits, expected) => {
    expect(passesLuhn(digits)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { comparePositions, decodeCursor, encodeCursor } from '../../src/storage/cursor';
import { isPorticoError } from '../../src/errors';

const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('cursor', () => {
  it.each([
    { position: [1_767_225_600_000, 'GW-0000000A'] as const, tie: 'string' as const },
    { position: [0, 'msg_ünïcode/+='] as const, tie: 'string' as const },
    { position: [1_767_225_600_000, 42] as const, tie: 'number' as const },
  ])('round-trips $position', ({ position, tie }) => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, tie)).toEqual(position);
  });

  it.each([
    { cursor: 'not a cursor', tie: 'string' as const },
    { cursor: '', tie: 'string' as const },
    { cursor: base64url('{"createdAt":1,"id":"GW-1"}'), tie: 'string' as const },
    { cursor: base64url('[1]'), tie: 'string' as const },
    { cursor: base64url('[1,"GW-1",3]'), tie: 'string' as const },
    { cursor: base64url('["1","GW-1"]'), tie: 'string' as const },
    { cursor: base64url('[null,"GW-1"]'), tie: 'string' as const },
    { cursor: base64url('[1,"GW-1"]'), tie: 'number' as const },
    { cursor: base64url('[1,7]'), tie: 'string' as const },
  ])('refuses $cursor as a $tie cursor with VALIDATION_FAILED', ({ cursor, tie }) => {
    let caught: unknown;
    try {
      decodeCursor(cursor, tie);
    } catch (error) {
      caught = error;
    }
    expect(isPorticoError(caught, 'VALIDATION_FAILED')).toBe(true);
  });

  it.each([
    { a: [1, 'b'] as const, b: [2, 'a'] as const, sign: -1 },
    { a: [2, 'a'] as const, b: [1, 'b'] as const, sign: 1 },
    { a: [1, 'A'] as const, b: [1, 'a'] as const, sign: -1 },
    { a: [1, 'a'] as const, b: [1, 'a'] as const, sign: 0 },
    { a: [1, 10] as const, b: [1, 9] as const, sign: 1 },
  ])('orders $a against $b as $sign', ({ a, b, sign }) => {
    expect(Math.sign(comparePositions(a, b))).toBe(sign);
  });
});

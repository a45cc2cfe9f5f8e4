import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two digests in constant time. Digests of different lengths are simply unequal:
 * `timingSafeEqual` throws on them, and a digest's length is no secret.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 *
 * const expected = createHash('sha256').update('payload').digest();
 * digestsEqual(expected, received); // true only for the same bytes
 * ```
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

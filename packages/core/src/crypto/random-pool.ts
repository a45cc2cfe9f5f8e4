import { randomFillSync } from 'node:crypto';

/*
 * A call into node:crypto costs about 5 µs whatever its size, and an accepted webhook needs a few
 * small draws (ids, an IV): one refill of this pool serves hundreds of them, still from the
 * operating system's CSPRNG. Not for keys or secrets, which are drawn on their own.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * `bytes` random bytes (at most 4096) from node:crypto, copied out of a pool.
 *
 * @example
 * ```ts
 * const iv = pooledRandomBytes(12);
 * ```
 */
export function pooledRandomBytes(bytes: number): Buffer {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return Buffer.from(pool.subarray(used - bytes, used));
}

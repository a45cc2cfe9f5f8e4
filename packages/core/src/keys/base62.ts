const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Writes a non-negative integer in base62 (`0-9A-Za-z`), left-padded with `0` to exactly
 * `length` characters, so encoded values have a fixed width.
 *
 * @throws RangeError when `value` is negative or needs more than `length` characters.
 * @example
 * ```ts
 * encodeBase62(61n, 3);  // '00z'
 * encodeBase62(62n, 3);  // '010'
 * ```
 */
export function encodeBase62(value: bigint, length: number): string {
  if (value < 0n) throw new RangeError('Base62 encodes non-negative integers only.');
  let rest = value;
  let text = '';
  for (let i = 0; i < length; i++) {
    text = alphabet.charAt(Number(rest % 62n)) + text;
    rest /= 62n;
  }
  if (rest !== 0n) throw new RangeError(`The value needs more than ${length} base62 characters.`);
  return text;
}

/**
 * True when a run of digits passes the Luhn checksum that every payment card number carries.
 * Characters other than digits are skipped, so `4111 1111 1111 1111` may be passed as is.
 *
 * @example
 * ```ts
 * passesLuhn('4111 1111 1111 1111'); // true
 * passesLuhn('4111 1111 1111 1112'); // false
 * ```
 */
export function passesLuhn(text: string): boolean {
  let sum = 0;
  let digits = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) continue;
    const weighted = digits % 2 === 1 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
    digits++;
  }
  return digits > 0 && sum % 10 === 0;
}

/**
 * Checks a whole-number option, so a misconfigured gateway fails when it is created. A
 * `RangeError`, as for rate-limit rules: a bad option is the host's bug.
 *
 * @throws RangeError naming the option.
 * @example
 * ```ts
 * wholeOption('delivery.timeoutMs', options.timeoutMs ?? 15_000, 1);
 * ```
 */
export function wholeOption(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}.`);
  return value;
}

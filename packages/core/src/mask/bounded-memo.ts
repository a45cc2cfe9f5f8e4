/* Enough for every field and header name a gateway sees; beyond it, the cache starts over. */
const MAX_ENTRIES = 2048;
/* Longer inputs are rare and would pin memory, so they are computed afresh each time. */
const MAX_INPUT_LENGTH = 128;

/**
 * Remembers the results of `compute` for short strings, up to a fixed number of them: the hot
 * path meets the same few field and header names over and over. `keep` can refuse to remember
 * a result, e.g. one that shows its input held a secret.
 *
 * @example
 * ```ts
 * const words = boundedMemo((name) => name.split('_'));
 * words('client_secret'); // computed
 * words('client_secret'); // remembered
 * ```
 */
export function boundedMemo<T extends NonNullable<unknown>>(
  compute: (input: string) => T,
  keep: (input: string, result: T) => boolean = () => true,
): (input: string) => T {
  const cache = new Map<string, T>();
  return (input) => {
    const known = cache.get(input);
    if (known !== undefined) return known;
    const result = compute(input);
    if (input.length <= MAX_INPUT_LENGTH && keep(input, result)) {
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(input, result);
    }
    return result;
  };
}

/**
 * Polls `done` every `intervalMs` until it is true or `timeoutMs` passed, then throws with
 * `describe()`'s account of what was still missing. Bounded in time and so in count.
 *
 * @example
 * ```ts
 * await waitUntil(() => receiver.accepted.size === 30, { timeoutMs: 30_000, describe: () => `${receiver.accepted.size}/30` });
 * ```
 */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${options.timeoutMs} ms: ${options.describe()}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/**
 * Runs `work` over `items` with at most `limit` running at once; results in the order of `items`.
 *
 * @example
 * ```ts
 * const answers = await withConcurrency(ids, 20, (id) => fetch(`${base}/send/${id}`));
 * ```
 */
export async function withConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

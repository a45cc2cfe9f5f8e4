// @ts-check
// The harness of in-process micro-benchmarks: each side runs in turn for a fixed time per round,
// after a warm-up, and the median operations per second of the rounds is kept.
import { median } from './stats.mjs';

/**
 * @typedef {object} MicroOptions
 * @property {number} warmupMs per side
 * @property {number} roundMs per side and round
 * @property {number} rounds
 */

const BATCH = 256;

/**
 * Calls `operation` in batches until `durationMs` has passed; returns operations per second.
 * @param {() => unknown} operation
 * @param {number} durationMs
 */
async function timed(operation, durationMs) {
  const budget = BigInt(durationMs) * 1_000_000n;
  const started = process.hrtime.bigint();
  let operations = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let index = 0; index < BATCH; index++) {
      const result = operation();
      if (result instanceof Promise) await result;
    }
    operations += BATCH;
    elapsed = process.hrtime.bigint() - started;
  }
  return operations / (Number(elapsed) / 1e9);
}

/**
 * Runs every side, alternating, and returns the median operations per second of each.
 * @param {Record<string, () => unknown>} sides
 * @param {MicroOptions} options
 * @returns {Promise<Record<string, { opsPerSecond: number, rounds: number[] }>>}
 */
export async function compare(sides, options) {
  const names = Object.keys(sides);
  /** @type {Record<string, number[]>} */
  const rounds = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) await timed(/** @type {() => unknown} */ (sides[name]), options.warmupMs);
  for (let round = 0; round < options.rounds; round++) {
    // The order turns each round, so no side always runs right after the same other one.
    const order = names.map((_, index) => names[(index + round) % names.length] ?? '');
    for (const name of order) rounds[name]?.push(await timed(/** @type {() => unknown} */ (sides[name]), options.roundMs));
  }
  return Object.fromEntries(names.map((name) => [name, { opsPerSecond: median(rounds[name] ?? []), rounds: rounds[name] ?? [] }]));
}

/** Reads `{ warmupMs, roundMs, rounds }` from the first argument. @returns {MicroOptions} */
export function microOptions() {
  return JSON.parse(process.argv[2] ?? '{"warmupMs":1000,"roundMs":1000,"rounds":5}');
}

/**
 * Where Portico reads the time from; injected so tests can move it.
 *
 * @example
 * ```ts
 * const frozen: Clock = { now: () => Date.UTC(2026, 0, 1) };
 * createGateway({ clock: frozen });
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/**
 * The wall clock.
 *
 * @example
 * ```ts
 * createGateway({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told; for tests. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to `epochMs`. */
  set(epochMs: number): void;
}

/**
 * A clock that moves only when told, for deterministic tests.
 *
 * @example
 * ```ts
 * const clock = manualClock(Date.UTC(2026, 0, 1));
 * clock.advance(60_000);
 * ```
 */
export function manualClock(startMs = 0): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(epochMs) {
      current = epochMs;
    },
  };
}

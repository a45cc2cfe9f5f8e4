/**
 * Where Portico reports what the host's operators should see: unexpected errors (masked in
 * responses, logged here in full), dropped log entries, configuration warnings. Fields never
 * hold keys or secrets. `console` fits this shape; pino and winston need a one-line adapter each.
 *
 * @example
 * ```ts
 * // Pino takes the fields first.
 * const logger: Logger = {
 *   debug: (message, fields) => pino.debug(fields ?? {}, message),
 *   info: (message, fields) => pino.info(fields ?? {}, message),
 *   warn: (message, fields) => pino.warn(fields ?? {}, message),
 *   error: (message, fields) => pino.error(fields ?? {}, message),
 * };
 * createGateway({ logger });
 * ```
 */
export interface Logger {
  /** Detail for tracing; {@link consoleLogger} drops it. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** A normal event, such as a Redis rate limiter recovering; {@link consoleLogger} drops it. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something to look at that failed nothing yet: dropped log entries, a missing `keyRing`. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** A failure: an event handler that threw, a store that could not be written. */
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = () => {};

/**
 * The default logger: warnings and errors to `console.warn` / `console.error`, nothing else.
 *
 * @example
 * ```ts
 * createGateway({ logger: consoleLogger });
 * ```
 */
export const consoleLogger: Logger = {
  debug: noop,
  info: noop,
  warn: (message, fields) => console.warn(`[portico] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[portico] ${message}`, fields ?? ''),
};

/**
 * A logger that drops everything; for tests.
 *
 * @example
 * ```ts
 * createGateway({ logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * Where Portico reports what the host's operators should see: unexpected errors (masked in
 * responses, logged here in full), dropped log entries, configuration warnings. Fields never
 * hold keys or secrets. Pino, winston and `console` fit this shape.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
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

import { z } from 'zod';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { describeIssues } from './parse';

/**
 * Checks the options a host passes to one of Portico's factories, so a typo or a wrong type
 * fails where it was made instead of being ignored or crashing deep inside: unknown keys are
 * named, with the key they are another spelling of (see `describeIssues`). Defaults and ranges
 * stay with the code that applies them.
 *
 * @throws TypeError listing every unknown or mistyped option by its dotted path.
 * @example
 * ```ts
 * checkOptions(z.strictObject({ maxKeys: numberOption.optional() }), { max_keys: 5 }, 'limiter options');
 * // TypeError: Invalid limiter options: Unknown option 'max_keys'; did you mean 'maxKeys'?
 * ```
 */
export function checkOptions(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const summary = describeIssues(schema, value, result.error.issues, 'option').map((issue) => issue.summary);
  throw new TypeError(`Invalid ${what}: ${summary.join('; ')}`);
}

/**
 * A numeric option. Any number passes, NaN and Infinity too: whether it is a whole number in
 * range is the business of the code that applies it, which says so with a RangeError.
 *
 * @example
 * ```ts
 * z.strictObject({ maxKeys: numberOption.optional() });
 * ```
 */
export const numberOption = z.custom<number>((value) => typeof value === 'number', { error: 'Must be a number' });

/**
 * An option that must be a function, such as `authenticate` or `lookup`.
 *
 * @example
 * ```ts
 * z.strictObject({ authenticate: functionOption<Authenticate>().optional() });
 * ```
 */
export const functionOption = <T>() => z.custom<T>((value) => typeof value === 'function', { error: 'Must be a function' });

/**
 * An option that is an object with behaviour (a store, a limiter, a clock), checked loosely by
 * the members it must have: its methods are the host's or a class's, beyond what a schema says.
 *
 * @param members each member and whether it is a method or a nested object
 * @example
 * ```ts
 * const clockOption = instanceOption<Clock>('Clock', { now: 'function' });
 * clockOption.safeParse({}).error?.issues[0]?.message; // 'Must be a Clock, with now()'
 * ```
 */
export function instanceOption<T>(name: string, members: Record<string, 'function' | 'object'>) {
  const listed = Object.entries(members).map(([member, kind]) => (kind === 'function' ? `${member}()` : member));
  const list = listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}` : listed.join('');
  return z.custom<T>(
    (value) =>
      value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      Object.entries(members).every(([member, kind]) => {
        const found: unknown = (value as Record<string, unknown>)[member];
        return kind === 'function' ? typeof found === 'function' : found !== null && typeof found === 'object';
      }),
    { error: `Must be ${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}, with ${list}` },
  );
}

/**
 * The `clock` option of the gateway and of `memoryRateLimiter`.
 *
 * @example
 * ```ts
 * clockOption.parse(systemClock);
 * ```
 */
export const clockOption = instanceOption<Clock>('Clock', { now: 'function' });

/**
 * The `logger` option of the gateway and of the HTTP handler.
 *
 * @example
 * ```ts
 * loggerOption.parse(consoleLogger);
 * ```
 */
export const loggerOption = instanceOption<Logger>('Logger', { debug: 'function', info: 'function', warn: 'function', error: 'function' });

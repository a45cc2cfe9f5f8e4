import type { z } from 'zod';
import { PorticoError, type FieldIssue } from '../errors';

/**
 * Validates `value` with `schema` and returns the parsed result, or throws a `VALIDATION_FAILED`
 * {@link PorticoError} that lists every failing field.
 *
 * @example
 * ```ts
 * const input = parseInput(integrationInputSchema, body);
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const summary = fields.map((field) => `${field.path}: ${field.message}`).join('; ');
  throw new PorticoError('VALIDATION_FAILED', `Invalid ${what}: ${summary}`, { fields });
}

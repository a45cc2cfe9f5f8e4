/** Values of one statement, in order, and the placeholders that stand for them. */
export interface Params {
  readonly values: unknown[];
  /** Appends `value` and returns its placeholder, `$1`, `$2`, … */
  add(value: unknown): string;
}

/**
 * Collects the values of a statement built from optional parts, so that however its `WHERE`
 * clause grows, every value still travels as a parameter.
 *
 * @example
 * ```ts
 * const p = params();
 * const where = [`status = ${p.add(status)}`];
 * await db.query(`SELECT * FROM t WHERE ${where.join(' AND ')}`, p.values);
 * ```
 */
export function params(): Params {
  const values: unknown[] = [];
  return {
    values,
    add(value) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

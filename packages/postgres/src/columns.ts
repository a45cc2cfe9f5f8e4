import { escapeIdentifier } from 'pg';
import type { Params } from './params';

/** How a record type lies in a table: the snake_case column of each field, and which are jsonb. */
export interface RecordColumns<T> {
  columns: { readonly [K in keyof T]-?: string };
  /** Fields held as jsonb. */
  json: ReadonlySet<keyof T>;
}

/**
 * A select list that reads each column under its field's name, so rows come back as records.
 *
 * @example
 * ```ts
 * selectList(deliveryColumns); // 'id AS "id", int_id AS "intId", …'
 * ```
 */
export function selectList<T>(mapping: RecordColumns<T>): string {
  return Object.entries<string>(mapping.columns)
    .map(([field, column]) => `${column} AS ${escapeIdentifier(field)}`)
    .join(', ');
}

/**
 * The columns and values of the fields `record` gives; a field set to `undefined` is not
 * given. jsonb values go as JSON text: pg would send a JavaScript array as a PostgreSQL array.
 *
 * @example
 * ```ts
 * const { columns, values } = columnValues(integrationColumns, { name: 'Zabbix', headers: {} });
 * // columns: ['name', 'headers'], values: ['Zabbix', '{}']
 * ```
 */
export function columnValues<T>(mapping: RecordColumns<T>, record: Partial<T>): { columns: string[]; values: unknown[] } {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const field of Object.keys(mapping.columns) as (keyof T)[]) {
    const value = record[field];
    if (value === undefined) continue;
    columns.push(mapping.columns[field]);
    values.push(mapping.json.has(field) ? JSON.stringify(value) : value);
  }
  return { columns, values };
}

/**
 * An `INSERT` of every field `record` gives.
 *
 * @example
 * ```ts
 * const { text, values } = insertStatement(tables.deliveries, deliveryColumns, record);
 * await db.query(text, values);
 * ```
 */
export function insertStatement<T>(table: string, mapping: RecordColumns<T>, record: T): { text: string; values: unknown[] } {
  const { columns, values } = columnValues(mapping, record);
  const placeholders = values.map((_, index) => `$${index + 1}`);
  return { text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, values };
}

/** The SQL type of each field's column, which the arrays of an `unnest` are cast to. */
export type ColumnTypes<T> = { readonly [K in keyof T]-?: string };

/**
 * Every field of `record` in the order of `mapping`, as the values of one row; jsonb fields as
 * JSON text (an absent value as JSON `null`). Throws what `JSON.stringify` throws, so a caller
 * writing many records can refuse the one that cannot be written and keep the others.
 *
 * @example
 * ```ts
 * const row = rowValues(logColumns, entry); // ['LOG-0000000A', 'GW-0000000A', 'INBOUND', …]
 * ```
 */
export function rowValues<T>(mapping: RecordColumns<T>, record: T): unknown[] {
  return (Object.keys(mapping.columns) as (keyof T)[]).map((field) =>
    mapping.json.has(field) ? JSON.stringify(record[field] ?? null) : (record[field] ?? null),
  );
}

/**
 * Rows made by {@link rowValues} as a relation: one array parameter per column, so a statement
 * writes any number of rows with a fixed text. `ordinal` names an extra column numbering the
 * rows from 1 in the order given.
 *
 * @example
 * ```ts
 * const p = params();
 * const source = unnestRows(logColumns, logTypes, entries.map((entry) => rowValues(logColumns, entry)), p, 'position');
 * await db.query(`INSERT INTO ${tables.logs} (${source.columns}) SELECT ${source.columns} FROM ${source.from} ORDER BY position`, p.values);
 * ```
 */
export function unnestRows<T>(
  mapping: RecordColumns<T>,
  types: ColumnTypes<T>,
  rows: readonly unknown[][],
  p: Params,
  ordinal: string,
): { columns: string; from: string } {
  const fields = Object.keys(mapping.columns) as (keyof T)[];
  const arrays = fields.map((field, index) => `${p.add(rows.map((row) => row[index]))}::${types[field]}[]`);
  const columns = fields.map((field) => mapping.columns[field]).join(', ');
  return { columns, from: `unnest(${arrays.join(', ')}) WITH ORDINALITY AS row_source (${columns}, ${ordinal})` };
}

import { escapeIdentifier } from 'pg';

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

import type { CustomTypesConfig } from 'pg';

/** Type oids of the columns Portico reads (see `pg_type`). */
const BOOL_OID = 16;
const INT8_OID = 20;
const INT4_OID = 23;
const JSONB_OID = 3802;

const parsers = new Map<number, (text: string) => unknown>([
  [BOOL_OID, (text) => text === 't'],
  // Epoch milliseconds and counters stay far below 2^53, so a number holds them exactly.
  [INT8_OID, Number],
  [INT4_OID, Number],
  [JSONB_OID, (text) => JSON.parse(text)],
]);

const asText = (text: string) => text;

/**
 * How Portico's queries read column values, passed with every query. The parsers registered
 * globally on `pg.types` belong to the host (which may read bigint as a string on its own
 * pools), so Portico neither changes nor relies on them.
 *
 * @example
 * ```ts
 * await pool.query({ text: 'SELECT count(*) AS n FROM t', types: porticoTypes }); // n is a number
 * ```
 */
export const porticoTypes: CustomTypesConfig = {
  getTypeParser: (oid: number) => parsers.get(oid) ?? asText,
};

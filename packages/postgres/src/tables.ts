import { escapeIdentifier } from 'pg';

/** The schema-qualified, quoted names of Portico's tables. */
export interface Tables {
  /** The schema's name as given, for use as a value. */
  schemaName: string;
  /** The schema's name quoted, for use as an identifier. */
  schema: string;
  migrations: string;
  integrations: string;
  keyHashes: string;
  logs: string;
  usage: string;
  replay: string;
  deliveries: string;
  inbox: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL cuts longer identifiers short, which could make two schema names one. */
const MAX_IDENTIFIER_LENGTH = 63;

/**
 * The quoted names of Portico's tables in `schema`. The name is checked before it is quoted,
 * so it can only ever name a schema: identifiers cannot be query parameters.
 *
 * @throws TypeError when `schema` is not a lower-case SQL identifier of at most 63 characters.
 * @example
 * ```ts
 * tablesIn('portico').integrations; // '"portico"."integrations"'
 * ```
 */
export function tablesIn(schema: string): Tables {
  if (!SCHEMA_NAME.test(schema) || schema.length > MAX_IDENTIFIER_LENGTH) {
    throw new TypeError('The schema name must be 1 to 63 lower-case letters, digits or "_", not starting with a digit.');
  }
  const quoted = escapeIdentifier(schema);
  const table = (name: string) => `${quoted}.${escapeIdentifier(name)}`;
  return {
    schemaName: schema,
    schema: quoted,
    migrations: table('schema_migrations'),
    integrations: table('integrations'),
    keyHashes: table('integration_key_hashes'),
    logs: table('logs'),
    usage: table('usage_counters'),
    replay: table('replay_ids'),
    deliveries: table('deliveries'),
    inbox: table('inbox_events'),
  };
}

import { describeWithServices, runStorageSuite } from '@portico/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { postgresStorage } from '../src/index';
import { dropSchema, postgresAnswers, TEST_PG_URL, tablesOf, throwawaySchema } from './postgres-server';

await describeWithServices('postgresStorage conformance', { postgres: postgresAnswers }, () => {
  const schema = throwawaySchema();
  let pool: Pool;
  let emptyAll: string;

  beforeAll(async () => {
    pool = new Pool({ connectionString: TEST_PG_URL });
    await postgresStorage({ pool }, { schema }).ready();
    const tables = await tablesOf(pool, schema);
    emptyAll = tables.filter((table) => !table.endsWith('"schema_migrations"')).map((table) => `DELETE FROM ${table};`).join('\n');
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  // One schema per run, migrated once, emptied before each test: DELETE of the few rows a test
  // writes takes well under a millisecond, where TRUNCATE takes ~30 ms and a fresh schema ~80 ms.
  runStorageSuite('postgresStorage', async () => {
    await pool.query(emptyAll);
    return postgresStorage({ pool }, { schema });
  });
});

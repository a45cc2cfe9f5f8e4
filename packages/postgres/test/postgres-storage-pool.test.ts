import { describeWithServices, makeIntegrationRecord, makeUsageDelta } from '@portico/testing';
import { Pool, types } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresStorage } from '../src/index';
import { dropSchema, postgresAnswers, TEST_PG_URL, throwawaySchema } from './postgres-server';

const INT8_OID = 20;
const BOOL_OID = 16;
const JSONB_OID = 3802;

await describeWithServices('postgresStorage and the host', { postgres: postgresAnswers }, () => {
  const schema = throwawaySchema();
  let pool: Pool;

  beforeAll(async () => {
    pool = new Pool({ connectionString: TEST_PG_URL });
    await postgresStorage({ pool }, { schema }).ready();
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('leaves open a pool the host passed in', async () => {
    const storage = postgresStorage({ pool }, { schema });
    await storage.ready();
    await storage.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('ends the pool it made from a connection string', async () => {
    const storage = postgresStorage({ connectionString: TEST_PG_URL }, { schema });
    expect(await storage.logs.count()).toBe(0);
    await storage.close();
    await expect(storage.logs.count()).rejects.toThrow();
    await expect(storage.close()).resolves.toBeUndefined();
  });

  it("leaves pg's global type parsers as the host has them", async () => {
    const storage = postgresStorage({ pool }, { schema });
    const intId = makeIntegrationRecord().id;
    await storage.usage.add([makeUsageDelta({ intId, success: 3 })]);
    expect((await storage.usage.totals(intId)).success).toBe(3);
    expect((await pool.query('SELECT 9007199254740993::bigint AS big')).rows[0]).toEqual({ big: '9007199254740993' });
  });

  it('reads values with its own parsers whatever the host set globally', async () => {
    const saved = [INT8_OID, BOOL_OID, JSONB_OID].map((oid) => [oid, types.getTypeParser(oid)] as const);
    for (const [oid] of saved) types.setTypeParser(oid, (text: string) => `host:${text}`);
    try {
      const storage = postgresStorage({ pool }, { schema });
      const record = makeIntegrationRecord({ failing: true, headers: { 'X-Team': 'ops' } });
      await storage.integrations.insert(record);
      expect(await storage.integrations.get(record.id)).toEqual(record);
      expect((await pool.query('SELECT 7::bigint AS n')).rows[0]).toEqual({ n: 'host:7' });
    } finally {
      for (const [oid, parser] of saved) types.setTypeParser(oid, parser);
    }
  });
});

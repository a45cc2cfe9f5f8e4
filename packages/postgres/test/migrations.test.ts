import { describeWithServices, makeDeliveryRecord, makeInboxRecord, makeIntegrationRecord, makeLogEntry } from '@portico/testing';
import { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage, type PostgresStorage } from '../src/index';
import { LATEST_VERSION } from '../src/migrations';
import { dropSchema, postgresAnswers, TEST_PG_URL, tablesOf, throwawaySchema } from './postgres-server';

const INSTANCES = 8;

/** What undoes migration 3, which only added columns: a schema at 3 less them is what 2 made. */
const undoVersion3 = (schema: string) =>
  `ALTER TABLE "${schema}".integrations DROP COLUMN previous_sealed_secret, DROP COLUMN previous_signature_scheme, DROP COLUMN previous_secret_expires_at`;
/** Portico's tables at the latest version, schema_migrations included. */
const TABLES = 8;

describe('postgresStorage schema names', () => {
  it.each(['Portico', '1portico', 'portico-test', 'portico.test', 'x"; DROP SCHEMA public; --', '', 'p'.repeat(64)])(
    'refuses %j before connecting anywhere',
    (schema) => {
      expect(() => postgresStorage({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }, { schema })).toThrow(TypeError);
    },
  );
});

await describeWithServices('postgresStorage migrations', { postgres: postgresAnswers }, () => {
  let pool: Pool;
  const schemas: string[] = [];
  const freshSchema = () => {
    const schema = throwawaySchema();
    schemas.push(schema);
    return schema;
  };
  const versionsOf = async (schema: string) =>
    (await pool.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows.map((row) => row.version);

  beforeAll(() => {
    pool = new Pool({ connectionString: TEST_PG_URL });
  });

  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(pool, schema);
  });

  afterAll(async () => {
    await pool.end();
  });

  it(`migrates a fresh schema exactly once when ${INSTANCES} instances open it at the same moment`, async () => {
    const schema = freshSchema();
    // Each instance on its own pool, as separate processes would be.
    const instances = Array.from({ length: INSTANCES }, () => postgresStorage({ connectionString: TEST_PG_URL }, { schema }));
    try {
      await Promise.all(instances.map((instance) => instance.ready()));
      expect(await versionsOf(schema)).toEqual(Array.from({ length: LATEST_VERSION }, (_, index) => index + 1));
      expect(await tablesOf(pool, schema)).toHaveLength(TABLES);

      const record = makeIntegrationRecord();
      expect(await instances[0]?.integrations.insert(record)).toBe(true);
      for (const instance of instances) expect(await instance.integrations.get(record.id)).toEqual(record);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });

  it('migrates on first use without an explicit ready()', async () => {
    const schema = freshSchema();
    const storage = postgresStorage({ pool }, { schema });
    expect(await storage.logs.count()).toBe(0);
    expect(await versionsOf(schema)).toHaveLength(LATEST_VERSION);
  });

  it('keeps the data and the recorded versions of a schema already migrated', async () => {
    const schema = freshSchema();
    const record = makeIntegrationRecord();
    await postgresStorage({ pool }, { schema }).integrations.insert(record);
    const reopened = postgresStorage({ pool }, { schema });
    await reopened.ready();
    expect(await reopened.integrations.get(record.id)).toEqual(record);
    expect(await versionsOf(schema)).toHaveLength(LATEST_VERSION);
  });

  it('upgrades a version 1 schema with the inbox of version 2 and on, keeping its data, with instances opening it at the same moment', async () => {
    const schema = freshSchema();
    const record = makeIntegrationRecord();
    const entry = makeLogEntry({ intId: record.id });
    const delivery = makeDeliveryRecord({ intId: record.id });
    const v1 = postgresStorage({ pool }, { schema });
    await v1.integrations.insert(record);
    await v1.logs.append([entry]);
    await v1.outbox.enqueue(delivery);
    // Released migrations never change, so a schema at the latest less what 2 and 3 added is what 1 made.
    await pool.query(`${undoVersion3(schema)}; DROP TABLE "${schema}".inbox_events; DELETE FROM "${schema}".schema_migrations WHERE version > 1`);
    expect(await versionsOf(schema)).toEqual([1]);

    const instances = Array.from({ length: 4 }, () => postgresStorage({ connectionString: TEST_PG_URL }, { schema }));
    try {
      await Promise.all(instances.map((instance) => instance.ready()));
      expect(await versionsOf(schema)).toEqual([1, 2, 3]);
      expect(await tablesOf(pool, schema)).toHaveLength(TABLES);
      const [upgraded] = instances as [PostgresStorage];
      expect(await upgraded.integrations.get(record.id)).toEqual(record);
      expect((await upgraded.logs.query({ limit: 10 })).items).toEqual([entry]);
      expect(await upgraded.outbox.get(delivery.id)).toEqual(delivery);
      const event = makeInboxRecord({ intId: record.id });
      expect(await upgraded.inbox.accept({ event, replayTtlMs: 300_000, log: makeLogEntry({ intId: record.id }) })).toBe(true);
      expect(await upgraded.inbox.get(event.id)).toEqual(event);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });

  it('upgrades a version 2 schema to version 3, whose integrations gain no rotated-out secret', async () => {
    const schema = freshSchema();
    const record = makeIntegrationRecord({ signatureScheme: 'standard', sealedSecret: 'v1.k1.sealed' });
    await postgresStorage({ pool }, { schema }).integrations.insert(record);
    await pool.query(`${undoVersion3(schema)}; DELETE FROM "${schema}".schema_migrations WHERE version > 2`);
    expect(await versionsOf(schema)).toEqual([1, 2]);

    const instances = Array.from({ length: 4 }, () => postgresStorage({ connectionString: TEST_PG_URL }, { schema }));
    try {
      await Promise.all(instances.map((instance) => instance.ready()));
      expect(await versionsOf(schema)).toEqual([1, 2, 3]);
      const [upgraded] = instances as [PostgresStorage];
      expect(await upgraded.integrations.get(record.id)).toEqual(record);
      expect(await upgraded.integrations.getByKeyHash(record.keyHash, record.createdAt)).toEqual(record);
      const rotation = { previousSealedSecret: 'v1.k1.previous', previousSignatureScheme: 'legacy', previousSecretExpiresAt: record.createdAt + 1 } as const;
      expect(await upgraded.integrations.update(record.id, 1, rotation)).toEqual({ ...record, ...rotation, version: 2 });
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });

  it('keeps the tables of each schema apart', async () => {
    const [left, right] = [freshSchema(), freshSchema()];
    const record = makeIntegrationRecord();
    await postgresStorage({ pool }, { schema: left }).integrations.insert(record);
    expect(await postgresStorage({ pool }, { schema: right }).integrations.get(record.id)).toBeNull();
  });

  it('uses a schema an operator created beforehand', async () => {
    const schema = freshSchema();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const storage = postgresStorage({ pool }, { schema });
    await storage.ready();
    expect(await tablesOf(pool, schema)).toHaveLength(TABLES);
  });
});

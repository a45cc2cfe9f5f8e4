import { randomBytes } from 'node:crypto';
import { createGateway, generateKeyRing, hashApiKey, signStandardWebhook, silentLogger } from '@portico/core';
import { describeWithServices } from '@portico/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresStorage } from '../src/index';
import { dropSchema, dumpSchema, postgresAnswers, TEST_PG_URL, throwawaySchema } from './postgres-server';

await describeWithServices('postgresStorage at rest', { postgres: postgresAnswers }, () => {
  const schema = throwawaySchema();
  let pool: Pool;

  beforeAll(() => {
    pool = new Pool({ connectionString: TEST_PG_URL });
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('holds no API key, signing secret, outbound header value or webhook request in plain text', async () => {
    const storage = postgresStorage({ pool }, { schema });
    const gateway = createGateway({ storage, keyRing: generateKeyRing(), logger: silentLogger });
    const standardSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const legacySecret = `legacy-${randomBytes(16).toString('hex')}`;
    const bearerToken = randomBytes(24).toString('base64url');
    const apiKeyHeader = randomBytes(24).toString('hex');

    const outbound = await gateway.integrations.create(
      {
        name: 'Receiver',
        type: 'WEBHOOK_OUT',
        endpointUrl: 'https://10.0.0.5/hook',
        headers: { Authorization: `Bearer ${bearerToken}`, 'X-Api-Key': apiKeyHeader },
        secret: standardSecret,
      },
      'admin',
    );
    const legacy = await gateway.integrations.create({ name: 'Legacy sender', type: 'MONITORING', secret: legacySecret }, 'admin');
    const rotated = await gateway.integrations.rotateKey(outbound.integration.id, 'admin');
    // A webhook in, so the inbox, the log and the usage counters hold rows too. The inbox keeps
    // the request for the host, sealed: its body and headers carry the sender's secrets.
    const bodySecret = randomBytes(24).toString('hex');
    const headerSecret = randomBytes(24).toString('hex');
    const body = JSON.stringify({ event: 'ALERT_RAISED', password: bodySecret });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const accepted = await gateway.receiveWebhook({
      key: rotated.apiKey,
      headers: {
        ...signStandardWebhook({ secret: standardSecret, id: 'msg_plaintext', timestampSeconds: nowSeconds, body }),
        'x-sender-token': headerSecret,
      },
      rawBody: new TextEncoder().encode(body),
    });
    await gateway.flush();
    expect(await storage.inbox.get(accepted.eventId)).toMatchObject({ intId: outbound.integration.id, messageId: 'msg_plaintext' });

    const dump = await dumpSchema(pool, schema);
    // The dump holds the data: the records, and the keys as their hashes only.
    const present = [outbound.integration.id, legacy.integration.id, hashApiKey(rotated.apiKey), hashApiKey(outbound.apiKey), 'msg_plaintext', accepted.eventId];
    for (const value of present) {
      expect(dump).toContain(value);
    }
    const secrets = {
      apiKeys: [outbound.apiKey, legacy.apiKey, rotated.apiKey],
      signingSecrets: [standardSecret, standardSecret.slice('whsec_'.length), legacySecret],
      headerValues: [`Bearer ${bearerToken}`, bearerToken, apiKeyHeader],
      webhookRequest: [bodySecret, headerSecret, body],
    };
    for (const value of Object.values(secrets).flat()) expect(dump).not.toContain(value);
    await gateway.stop();
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { createGateway, generateKeyRing, signStandardWebhook } from '@portico/core';
import { afterEach, expect, it } from 'vitest';
import { sqliteStorage } from '../src/index';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

/** The bytes of the database file and of its write-ahead log, if there is one. */
const bytesOnDisk = (filename: string): Buffer[] =>
  [filename, `${filename}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));

const holds = (chunks: Buffer[], value: string) => chunks.some((bytes) => bytes.includes(value));

it('keeps no API key, signing secret or outbound header value in clear in the file or its write-ahead log', async () => {
  const filename = files.newDatabase();
  const storage = sqliteStorage({ filename });
  const gateway = createGateway({ storage, keyRing: generateKeyRing() });
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const bearerToken = 'Bearer tok_7fd0c2a95b1e4d3a8c6f0e9b2d4a1c3e';
  const name = 'Plaintext probe integration';

  const { apiKey } = await gateway.integrations.create(
    { name, type: 'WEBHOOK_OUT', endpointUrl: 'https://10.0.0.5/hook', secret, headers: { Authorization: bearerToken } },
    'admin',
  );
  const body = JSON.stringify({ event: 'ticket.created', data: { id: 'SR-1' } });
  const signature = signStandardWebhook({ secret, id: 'msg_probe', timestampSeconds: Math.floor(Date.now() / 1000), body });
  await gateway.receiveWebhook({
    key: apiKey,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...signature },
    rawBody: Buffer.from(body),
  });
  await gateway.flush();
  const whileOpen = bytesOnDisk(filename);
  await gateway.stop();
  await storage.close();
  const afterClose = bytesOnDisk(filename);

  for (const chunks of [whileOpen, afterClose]) {
    // The records did reach the disk, so the absences below are not an empty file's.
    expect(holds(chunks, name)).toBe(true);
    expect(holds(chunks, 'msg_probe')).toBe(true);
    for (const value of [apiKey, secret, bearerToken, bearerToken.slice('Bearer '.length)]) {
      expect(holds(chunks, value)).toBe(false);
    }
  }
});

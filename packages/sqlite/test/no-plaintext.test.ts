import { existsSync, readFileSync } from 'node:fs';
import { createGateway, generateKeyRing, openSecret, signStandardWebhook, type Gateway, type Storage } from '@portico/core';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { sqliteStorage } from '../src/index';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

/** The bytes of the database file and of its write-ahead log, if there is one. */
const bytesOnDisk = (filename: string): Buffer[] =>
  [filename, `${filename}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));

const holds = (chunks: Buffer[], value: string) => chunks.some((bytes) => bytes.includes(value));

/**
 * The bytes on disk once the gateway has flushed what it took in, and again after it and its
 * storage close: a secret must be absent from both, checkpointed or not.
 */
async function bytesWhileOpenAndAfterClose(filename: string, gateway: Gateway, storage: Storage): Promise<Buffer[][]> {
  await gateway.flush();
  const whileOpen = bytesOnDisk(filename);
  await gateway.stop();
  await storage.close();
  return [whileOpen, bytesOnDisk(filename)];
}

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
  const snapshots = await bytesWhileOpenAndAfterClose(filename, gateway, storage);

  for (const chunks of snapshots) {
    // The records did reach the disk, so the absences below are not an empty file's.
    expect(holds(chunks, name)).toBe(true);
    expect(holds(chunks, 'msg_probe')).toBe(true);
    for (const value of [apiKey, secret, bearerToken, bearerToken.slice('Bearer '.length)]) {
      expect(holds(chunks, value)).toBe(false);
    }
  }
});

it('keeps no secret of an accepted webhook, in its body or its headers, in clear in the file or its write-ahead log', async () => {
  const filename = files.newDatabase();
  const storage = sqliteStorage({ filename });
  const keyRing = generateKeyRing();
  const gateway = createGateway({ storage, keyRing });
  const signingSecret = 'whsec_c2VjcmV0LWZvci10aGUtaW5ib3gtcHJvYmU=';
  const password = 'pw-8c1e5d0f7a2b4c69-inbox-probe';
  const upstreamToken = 'tok_3b9f2e71d04c4a58a6e1c0d9b7f2a345';

  const { apiKey } = await gateway.integrations.create({ name: 'Inbox probe', type: 'WEBHOOK_IN', secret: signingSecret }, 'admin');
  const body = JSON.stringify({ event: 'user.created', data: { login: 'probe', password } });
  const signature = signStandardWebhook({ secret: signingSecret, id: 'msg_inbox_probe', timestampSeconds: Math.floor(Date.now() / 1000), body });
  const { eventId } = await gateway.receiveWebhook({
    key: apiKey,
    headers: { 'content-type': 'application/json', 'x-upstream-token': upstreamToken, ...signature },
    rawBody: Buffer.from(body),
  });
  const snapshots = await bytesWhileOpenAndAfterClose(filename, gateway, storage);

  // The request is on disk, sealed: opened with the key ring, it holds both secrets.
  const db = new Database(filename, { readonly: true });
  const sealed = db.prepare<[string], string>('SELECT sealed_request FROM inbox_events WHERE id = ?').pluck().get(eventId);
  db.close();
  const opened = openSecret(keyRing, sealed ?? '', { recordId: eventId, purpose: 'inbox' });
  expect(opened).toContain(password);
  expect(opened).toContain(upstreamToken);

  for (const chunks of snapshots) {
    expect(holds(chunks, eventId)).toBe(true);
    expect(holds(chunks, 'msg_inbox_probe')).toBe(true);
    for (const value of [password, upstreamToken, signingSecret, apiKey]) {
      expect(holds(chunks, value)).toBe(false);
    }
  }
});

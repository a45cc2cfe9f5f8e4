// @ts-check
// The smoke test both example servers pass: start the server as a user would, then walk the main
// flow over HTTP.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'smoke-admin-token';

/**
 * The JSON of an answer, untyped: these are assertions over the wire format.
 * @param {Response} response
 * @returns {Promise<any>}
 */
const json = (response) => response.json();
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/**
 * Starts `server` with PORT=0 and resolves with its base URL once it says where it listens;
 * `exited` resolves with its exit code, `stop()` sends SIGTERM and waits for it.
 * @param {URL} server
 * @param {Record<string, string>} env
 */
export function startExample(server, env) {
  const child = spawn(process.execPath, [fileURLToPath(server)], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const read = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      const found = /Portico listening on (http:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { url: /** @type {Promise<string>} */ (url), stop, output: () => output, pid: child.pid, exited };
}

/**
 * Registers the smoke suite of one example server.
 * @param {URL} server
 */
export function describeSmoke(server) {
  describe(`example ${fileURLToPath(server)}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'portico-example-'));
    // The receiver of outbound notifications runs on loopback, which the default policy denies.
    const env = { PORTICO_ADMIN_TOKEN: ADMIN, PORTICO_DATA_DIR: dataDir, PORTICO_EGRESS_ALLOW: '127.0.0.1/32' };
    let example = startExample(server, env);
    /** @type {string} */
    let base;
    /** @type {{ int_id: string, api_key: string } | undefined} */
    let registered;
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

    beforeAll(async () => {
      base = await example.url;
    });
    afterAll(async () => {
      expect(await example.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('walks the main flow: register, receive a signed webhook, read the masked log and the stats', async () => {
      const created = await fetch(`${base}/integrations`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: 'Zabbix', type: 'MONITORING', secret: SECRET }),
      });
      expect(created.status).toBe(201);
      const integration = await json(created);
      registered = integration;
      expect(integration).toMatchObject({ name: 'Zabbix', signature_scheme: 'standard', has_secret: true });

      const body = JSON.stringify({ event: 'ALERT_RAISED', data: { host: 'db-1', password: 'hunter2' } });
      const signature = new Webhook(SECRET).sign('msg_smoke_1', new Date(), body);
      const received = await fetch(`${base}/webhook`, {
        method: 'POST',
        headers: {
          'x-api-key': integration.api_key,
          'content-type': 'application/json',
          'webhook-id': 'msg_smoke_1',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
      expect(received.status).toBe(202);
      const answer = await json(received);
      expect(answer).toMatchObject({ accepted: true, event: 'ALERT_RAISED', int_id: integration.int_id, event_id: expect.stringMatching(/^evt_/) });

      const logs = await json(await fetch(`${base}/logs?int_id=${integration.int_id}&direction=IN`, { headers: admin }));
      expect(logs.logs[0]).toMatchObject({ event: 'WEBHOOK_ALERT_RAISED', status: 'OK', payload: { data: { password: '***' } } });
      expect(JSON.stringify(logs)).not.toContain('hunter2');

      const stats = await json(await fetch(`${base}/stats`, { headers: admin }));
      expect(stats).toMatchObject({ total_integrations: 1, total_requests: 1, success_rate_pct: 100 });
      // The handler is called from the inbox, just after the 202, with Portico's event id and the sender's webhook-id.
      await expect.poll(() => example.output()).toContain(`event ${answer.event_id} (message msg_smoke_1) from ${integration.int_id}: ALERT_RAISED`);
    });

    it('sends a signed notification to an allowed receiver, with the real custom header', async () => {
      /** @type {{ headers: import('node:http').IncomingHttpHeaders, body: string }[]} */
      const received = [];
      const receiver = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          received.push({ headers: request.headers, body });
          response.end('ok');
        });
      });
      await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
      const address = receiver.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const created = await json(
          await fetch(`${base}/integrations`, {
            method: 'POST',
            headers: admin,
            body: JSON.stringify({
              name: 'Chat',
              type: 'NOTIFICATION',
              endpoint_url: `http://127.0.0.1:${port}/hook`,
              secret: SECRET,
              headers: { Authorization: 'Bearer chat-token' },
            }),
          }),
        );
        const sent = await fetch(`${base}/send/${created.int_id}`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ event: 'SR_CREATED', message: 'SR-1 opened' }),
        });
        expect(sent.status).toBe(202);
        expect(await json(sent)).toMatchObject({ sent: true, status_code: 200, int_id: created.int_id });
        expect(received).toHaveLength(1);
        const [delivery] = received;
        expect(delivery?.headers.authorization).toBe('Bearer chat-token');
        const verified = new Webhook(SECRET).verify(delivery?.body ?? '', /** @type {Record<string, string>} */ (delivery?.headers));
        expect(verified).toMatchObject({ event: 'SR_CREATED', message: 'SR-1 opened', severity: 'INFO' });
      } finally {
        receiver.close();
      }
    });

    it('keeps integrations, keys and logs across a restart on its SQLite file', async () => {
      expect(await example.stop()).toBe(0);
      example = startExample(server, env);
      base = await example.url;
      const again = await fetch(`${base}/webhook`, {
        method: 'POST',
        headers: { authorization: `Bearer ${registered?.api_key}`, 'content-type': 'application/json' },
        body: '{"event":"AFTER_RESTART"}',
      });
      // Signed integrations refuse unsigned posts: a 403 proves the key was still recognised.
      expect(again.status).toBe(403);
      const logs = await json(await fetch(`${base}/logs?int_id=${registered?.int_id}&direction=IN`, { headers: admin }));
      expect(logs.logs.map((/** @type {{ event: string }} */ entry) => entry.event)).toEqual([
        'WEBHOOK_SIGNATURE_FAILED',
        'WEBHOOK_ALERT_RAISED',
      ]);
    });

    it('serves the docs page and refuses an anonymous admin call', async () => {
      const docs = await fetch(`${base}/docs`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/text\/html/);
      const anonymous = await fetch(`${base}/stats`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toMatch(/application\/problem\+json/);
    });
  });
}

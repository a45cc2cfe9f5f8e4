import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PorticoError } from '../../src/errors';
import { readNodeBody } from '../../src/http/node-body';

const MAX_BYTES = 1024;

type Outcome = { bytes: Uint8Array } | { error: PorticoError };

/**
 * A real server that reads each body with `readNodeBody` (after `before`, playing a body parser)
 * and answers what it got: the bytes as hex, or the error code.
 */
async function serve(before: (request: IncomingMessage) => Promise<void> = async () => {}) {
  const outcomes: Outcome[] = [];
  const server = createServer(async (req, res) => {
    await before(req);
    const outcome: Outcome = await readNodeBody(req, MAX_BYTES).then(
      (bytes) => ({ bytes }),
      (error: PorticoError) => ({ error }),
    );
    outcomes.push(outcome);
    res.statusCode = 'bytes' in outcome ? 200 : outcome.error.status;
    res.end('bytes' in outcome ? Buffer.from(outcome.bytes).toString('hex') : outcome.error.code);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  servers.push(server);
  return { url, outcomes };
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function* chunked(...parts: Uint8Array[]) {
  yield* parts;
}

const post = (url: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers, duplex: 'half', signal: AbortSignal.timeout(5_000) } as RequestInit);

describe('readNodeBody', () => {
  it('reads the bytes exactly as sent, with a content-length or chunked', async () => {
    const { url } = await serve();
    const bytes = new Uint8Array([0xff, 0x00, 0xe9, 0x0d, 0x0a, 0x7b]);
    for (const body of [bytes, chunked(bytes.subarray(0, 2), bytes.subarray(2))]) {
      const response = await post(url, body);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ff00e90d0a7b');
    }
  });

  it('reads exactly the limit', async () => {
    const { url } = await serve();
    const response = await post(url, new Uint8Array(MAX_BYTES).fill(0x61));
    expect(response.status).toBe(200);
    expect((await response.text()).length).toBe(MAX_BYTES * 2);
  });

  it('answers empty bytes for a request without a body', async () => {
    const { url } = await serve();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('refuses a declared content-length over the limit before the body is sent', async () => {
    const { url } = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      const sent = request(url, { method: 'POST', headers: { 'content-length': String(100 * MAX_BYTES) } }, (response) => {
        resolve(response.statusCode ?? 0);
        sent.destroy();
      });
      sent.on('error', reject);
      sent.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('refuses a chunked body once it grows past the limit', async () => {
    const { url, outcomes } = await serve();
    const response = await post(url, chunked(new Uint8Array(MAX_BYTES), new Uint8Array(1)));
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('PAYLOAD_TOO_LARGE');
    expect(outcomes[0]).toEqual({ error: expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }) });
  });

  it.each([
    [
      'read the stream to its end',
      async (req: IncomingMessage) => {
        for await (const chunk of req) expect(chunk).toBeDefined();
      },
    ],
    [
      'left a parsed body on the request',
      async (req: IncomingMessage) => {
        Object.assign(req, { body: { parsed: true } });
      },
    ],
  ])('refuses with a clear message when a body parser %s', async (_, parser) => {
    const { url, outcomes } = await serve(parser);
    const response = await post(url, '{"a":1}', { 'content-type': 'application/json' });
    expect(await response.text()).toBe('BODY_ALREADY_CONSUMED');
    const outcome = outcomes[0];
    expect(outcome && 'error' in outcome && outcome.error.message).toMatch(/before express\.json\(\) or koa-bodyparser/);
  });

  it('does not refuse a request without a body that a parser looked at', async () => {
    const { url } = await serve(async (req) => {
      Object.assign(req, { body: {} });
    });
    expect((await fetch(url)).status).toBe(200);
  });

  it('rejects as invalid when the client goes away mid-body, and the server keeps serving', async () => {
    const { url, outcomes } = await serve();
    const cut = request(url, { method: 'POST', headers: { 'content-length': '100' } });
    cut.on('error', () => {});
    cut.write('{"partial":');
    await sleep(50);
    cut.destroy();
    await expect.poll(() => outcomes.length).toBe(1);
    expect(outcomes[0]).toEqual({ error: expect.objectContaining({ code: 'VALIDATION_FAILED' }) });
    expect((await post(url, 'next')).status).toBe(200);
  });
});

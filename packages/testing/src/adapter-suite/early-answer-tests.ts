import { once } from 'node:events';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AdapterClient } from './client';
import { expectProblem, register } from './fixtures';

/** An answer read off the wire while the request body may still be coming. */
interface EarlyReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A POST that declared `declared` bytes and sent only some of them so far. */
interface OpenBody {
  /** The answer, whenever it comes; rejects when none comes within 5 s. */
  reply: Promise<EarlyReply>;
  /** Drops the connection, as a client that gives up. */
  destroy(): void;
}

/** Sends headers declaring `declared` bytes and the first `sent` of them, then waits: the client is still sending. */
function openBody(url: string, headers: Record<string, string>, declared: number, sent: number): OpenBody {
  const outgoing = request(url, {
    method: 'POST',
    agent: false,
    headers: { ...headers, 'content-length': String(declared) },
    timeout: 5_000,
  });
  const reply = new Promise<EarlyReply>((resolve, reject) => {
    outgoing.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('No answer while the body was still being sent')));
    outgoing.on('error', reject);
  });
  // A test that drops the connection on purpose does not await the reply.
  reply.catch(() => {});
  outgoing.write(new Uint8Array(sent).fill(0x20));
  return {
    reply,
    destroy: () => outgoing.destroy(),
  };
}

/**
 * One HTTP/1.1 connection driven by hand: Node's client never reuses a connection whose answer
 * came before its body was sent, so only raw writes show the server keeping it.
 */
async function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  /** The next complete answer, which must carry a content-length. */
  async function reply(): Promise<EarlyReply> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0) {
        const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length']);
        if (received.byteLength >= end + 4 + length) {
          const text = received.subarray(end + 4, end + 4 + length).toString('utf8');
          received = received.subarray(end + 4 + length);
          return { status: Number(statusLine.split(' ')[1]), headers, text };
        }
      }
      if (socket.destroyed || Date.now() > deadline) throw new Error(`No complete answer on the connection; got ${JSON.stringify(received.toString('latin1'))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const head = (method: string, path: string, headers: Record<string, string>) =>
    `${method} ${new URL(path, url).pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;
  return { socket, reply, head };
}

function expectEarlyProblem(reply: EarlyReply, status: number, code: string) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(reply.text)).toMatchObject({ status, code });
}

/**
 * Answers given from the headers, before the body is read: a bad webhook key and a missing admin
 * credential are refused while the client is still sending (the body is never buffered, and the
 * connection serves on once the client is done), and bodies past the budget of bytes in flight
 * are answered 503 `BUSY` with `Retry-After` until the bytes held are given back.
 *
 * @example
 * ```ts
 * earlyAnswerTests({ maxBodyBytes, maxBytesInFlight }, () => serverUrl, () => client);
 * ```
 */
export function earlyAnswerTests(
  limits: { maxBodyBytes: number; maxBytesInFlight: number },
  apiUrl: () => string,
  client: () => AdapterClient,
): void {
  const { maxBodyBytes, maxBytesInFlight } = limits;

  describe('answers before the body is read', () => {
    it('answers 401 to a bad key while a body of the largest size is still being sent, and the connection serves on', async () => {
      const { apiKey } = await register(client());
      const wrong = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
      const connection = await rawConnection(`${apiUrl()}/`);
      try {
        connection.socket.write(connection.head('POST', `webhook/${wrong}`, { 'content-length': String(maxBodyBytes) }));
        connection.socket.write(new Uint8Array(1024).fill(0x20));
        expectEarlyProblem(await connection.reply(), 401, 'INVALID_API_KEY');
        // The server drops the bytes nobody reads, then takes the next request on the same connection.
        connection.socket.write(new Uint8Array(maxBodyBytes - 1024).fill(0x20));
        connection.socket.write(`${connection.head('POST', 'webhook', { 'x-api-key': apiKey, 'content-length': '2' })}{}`);
        const next = await connection.reply();
        expect(next.status, next.text).toBe(202);
      } finally {
        connection.socket.destroy();
      }
    });

    it('answers 401 to an admin call without credentials while its body is still being sent', async () => {
      const pending = openBody(`${apiUrl()}/integrations`, { 'content-type': 'application/json' }, maxBodyBytes, 1024);
      try {
        expectEarlyProblem(await pending.reply, 401, 'UNAUTHENTICATED');
      } finally {
        pending.destroy();
      }
    });

    it('answers 503 BUSY with Retry-After once the bodies being read fill the budget, and serves again when they are gone', async () => {
      const { apiKey } = await register(client(), { rate_limit: 1000 });
      const holders = Array.from({ length: Math.floor(maxBytesInFlight / maxBodyBytes) }, () =>
        openBody(`${apiUrl()}/webhook`, { 'x-api-key': apiKey }, maxBodyBytes, 1024),
      );
      const probe = () => client().api('POST', '/webhook', { body: '{}', headers: { 'x-api-key': apiKey } });
      try {
        // The holders' keys are checked and their bodies reserved in the background.
        await expect.poll(async () => (await probe()).status, { timeout: 5_000, interval: 50 }).toBe(503);
        const refused = await probe();
        expectProblem(refused, 503, 'BUSY');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        // The key still comes first: a bad one is refused for what it is, not for the budget.
        expectProblem(await client().api('POST', '/webhook', { body: '{}', headers: { 'x-api-key': 'gk_nope' } }), 401, 'INVALID_API_KEY');
        expect((await client().api('GET', '/stats', { token: 'admin-token' })).status).toBe(200);
      } finally {
        for (const holder of holders) holder.destroy();
      }
      await expect.poll(async () => (await probe()).status, { timeout: 5_000, interval: 50 }).toBe(202);
    });
  });
}

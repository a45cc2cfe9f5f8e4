import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { AdapterClient } from './client';
import { expectProblem, register } from './fixtures';

/** Sends the headers and a first part of a body promising more, then drops the connection. */
async function abortMidBody(url: string, headers: Record<string, string>): Promise<void> {
  const aborted = request(url, { method: 'POST', headers: { ...headers, 'content-length': '1000' } });
  aborted.on('error', () => {}); // its own reset, expected
  aborted.write('{"event":"CUT');
  await sleep(50);
  aborted.destroy();
  await sleep(50);
}

/** Posts each body in turn, chunked, over one kept-alive connection; answers each status and whether the socket was reused. */
async function postOverOneConnection(url: string, headers: Record<string, string>, bodies: Uint8Array[][]) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers: { status: number; reused: boolean }[] = [];
  try {
    for (const chunks of bodies) {
      answers.push(
        await new Promise((resolve, reject) => {
          const sent = request(url, { method: 'POST', agent, headers, timeout: 3_000 }, (response) => {
            response.resume().on('end', () => resolve({ status: response.statusCode ?? 0, reused: sent.reusedSocket }));
          });
          sent.on('timeout', () => sent.destroy(new Error('The server left the connection hanging'))).on('error', reject);
          for (const chunk of chunks) sent.write(chunk);
          sent.end();
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return answers;
}

/**
 * Reading the body: the size limit, declared or streamed, to the byte; and a client that gives
 * up halfway leaves the server serving.
 *
 * @example
 * ```ts
 * bodyTests(handler.maxBodyBytes, () => serverUrl, () => client);
 * ```
 */
export function bodyTests(maxBodyBytes: number, apiUrl: () => string, client: () => AdapterClient): void {
  describe('request bodies', () => {
    it('accepts a body of exactly the limit', async () => {
      const { apiKey } = await register(client());
      const head = '{"event":"FULL","pad":"';
      const body = `${head}${'a'.repeat(maxBodyBytes - head.length - 2)}"}`;
      expect(Buffer.byteLength(body)).toBe(maxBodyBytes);
      const reply = await client().api('POST', `/webhook/${apiKey}`, { body, headers: { 'content-type': 'application/json' } });
      expect(reply.status, reply.text).toBe(202);
      expect(reply.json().event).toBe('FULL');
    });

    it('answers 413 to a content-length over the limit, and the next request still works', async () => {
      const { apiKey } = await register(client());
      const tooBig = new Uint8Array(maxBodyBytes + 1).fill(0x20);
      expectProblem(await client().api('POST', `/webhook/${apiKey}`, { body: tooBig }), 413, 'PAYLOAD_TOO_LARGE');
      expect((await client().api('POST', `/webhook/${apiKey}`, { body: '{}' })).status).toBe(202);
    });

    it('answers 413 to a chunked body that grows past the limit, keeping the connection usable', async () => {
      const { apiKey } = await register(client());
      // Megabytes past the limit: more than socket buffers hold, so a server that stops reading stalls the connection.
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      const tooBig = Array.from({ length: Math.ceil(maxBodyBytes / chunk.byteLength) + 32 }, () => chunk);
      const answers = await postOverOneConnection(`${apiUrl()}/webhook`, { 'x-api-key': apiKey }, [tooBig, [new TextEncoder().encode('{}')]]);
      expect(answers).toEqual([
        { status: 413, reused: false },
        { status: 202, reused: true },
      ]);
    });

    it('keeps serving after a client aborts halfway through a body', async () => {
      const { apiKey } = await register(client());
      await abortMidBody(`${apiUrl()}/webhook`, { 'x-api-key': apiKey, 'content-type': 'application/json' });
      const reply = await client().api('POST', '/webhook', { body: '{"event":"AFTER"}', headers: { 'x-api-key': apiKey } });
      expect(reply.status, reply.text).toBe(202);
      const logs = await client().api('GET', '/logs?direction=IN&limit=500', { token: 'admin-token' });
      expect(logs.text).not.toContain('CUT');
    });
  });
}

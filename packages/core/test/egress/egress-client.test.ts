import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpsServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { createEgressClient, type EgressClient, type EgressClientOptions } from '../../src/egress/egress-client';
import { createEgressPolicy } from '../../src/egress/egress-policy';
import { listen, type Receiver, rejectionOf, startReceiver, tableLookup } from './helpers';

/** Real sockets, on loopback only: the one range these tests may connect to, allowed explicitly. */
const allowLoopback = createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] });
const lookup = tableLookup({ 'receiver.corp.example': ['127.0.0.1'], localhost: ['127.0.0.1'] });

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((resource) => resource.close()));
});

function client(options: Partial<EgressClientOptions> = {}): EgressClient {
  const created = createEgressClient({ policy: allowLoopback, lookup, ...options });
  open.push(created);
  return created;
}

async function receiver(handler: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(handler);
  open.push(started);
  return started;
}

describe('createEgressClient on loopback', () => {
  it('sends a request where the policy allows and returns the response', async () => {
    const received: Array<{ method?: string; body: string; type?: string }> = [];
    const target = await receiver((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ method: request.method, body, type: request.headers['content-type'] });
        response.writeHead(201, { 'x-receipt': 'r-1' }).end('{"ok":true}');
      });
    });

    const response = await client().request(`${target.url}/hook?id=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event":"ticket.created"}',
    });

    expect(response).toMatchObject({ statusCode: 201, body: '{"ok":true}', truncated: false });
    expect(response.headers['x-receipt']).toBe('r-1');
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    expect(received).toEqual([{ method: 'POST', body: '{"event":"ticket.created"}', type: 'application/json' }]);
  });

  it('refuses loopback under the default policy before the receiver sees a connection', async () => {
    const target = await receiver((_request, response) => response.end('reached'));

    const error = await rejectionOf(client({ policy: createEgressPolicy() }).request(target.url, { method: 'GET' }));

    expect(error).toMatchObject({ name: 'PorticoError', code: 'EGRESS_DENIED' });
    expect(error.message).toBe('Egress to 127.0.0.1 refused: 127.0.0.1 is in denied range 127.0.0.0/8.');
    expect(target.connections).toBe(0);
  });

  it.each(['http://2130706433', 'http://0x7f.1', 'http://0177.0.0.1', 'http://127.1', 'http://[::ffff:127.0.0.1]'])(
    'refuses %s under the default policy, with no connection',
    async (base) => {
      const target = await receiver((_request, response) => response.end('reached'));

      const error = await rejectionOf(client({ policy: createEgressPolicy() }).request(`${base}:${target.port}/`, { method: 'GET' }));

      expect(error).toMatchObject({ code: 'EGRESS_DENIED' });
      expect(target.connections).toBe(0);
    },
  );

  it('connects to the address a shorthand literal normalises to, when that address is allowed', async () => {
    const target = await receiver((_request, response) => response.end('reached'));

    const response = await client().request(`http://0x7f.1:${target.port}/`, { method: 'GET' });

    expect(response.body).toBe('reached');
    expect(target.connections).toBe(1);
  });

  it('refuses a name that resolves to loopback under the default policy, and follows it when loopback is allowed', async () => {
    const target = await receiver((_request, response) => response.end('reached'));
    const url = `http://receiver.corp.example:${target.port}/`;

    const error = await rejectionOf(client({ policy: createEgressPolicy() }).request(url, { method: 'GET' }));
    expect(error).toMatchObject({ code: 'EGRESS_DENIED' });
    expect(error.message).toContain('Egress to receiver.corp.example refused: 127.0.0.1 is in denied range');
    expect(target.connections).toBe(0);

    expect((await client().request(url, { method: 'GET' })).body).toBe('reached');
  });

  it('refuses localhost as the system resolver answers it', async () => {
    const target = await receiver((_request, response) => response.end('reached'));

    const error = await rejectionOf(
      client({ policy: createEgressPolicy(), lookup: undefined }).request(`http://localhost:${target.port}/`, { method: 'GET' }),
    );

    expect(error).toMatchObject({ code: 'EGRESS_DENIED' });
    expect(error.message).toMatch(/^Egress to localhost refused: (127\.0\.0\.1|::1) is in denied range/);
    expect(target.connections).toBe(0);
  });

  it('returns a redirect to a denied address as it is, without following it', async () => {
    let requests = 0;
    const target = await receiver((_request, response) => {
      requests++;
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });

    const response = await client().request(target.url, { method: 'POST', body: '{}' });

    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/latest/meta-data/');
    expect(requests).toBe(1);
  });

  it('fails when the response headers are slower than headersTimeoutMs', async () => {
    const target = await receiver(() => undefined);

    const error = await rejectionOf(client({ headersTimeoutMs: 100 }).request(target.url, { method: 'GET' }));

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(error.message).toBe(`GET ${target.url} failed: no response headers in time (UND_ERR_HEADERS_TIMEOUT).`);
  });

  it('fails when the whole exchange outlasts timeoutMs', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200);
      response.write('first');
    });

    const error = await rejectionOf(client().request(target.url, { method: 'GET', timeoutMs: 100 }));

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(error.message).toBe(`GET ${target.url} failed: no complete response before the deadline (TimeoutError).`);
  });

  it('keeps only maxResponseBytes of an endless body and closes the connection', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    let closed!: () => void;
    const responseClosed = new Promise<void>((resolve) => (closed = resolve));
    const target = await receiver((_request, response) => {
      response.on('close', closed);
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });

    const response = await client({ maxResponseBytes: 100_000 }).request(target.url, { method: 'GET' });

    expect(response.body).toBe('x'.repeat(100_000));
    expect(response.truncated).toBe(true);
    await responseClosed;
  });

  it('keeps a body of exactly maxResponseBytes whole', async () => {
    const target = await receiver((_request, response) => response.end('y'.repeat(1000)));

    const response = await client({ maxResponseBytes: 1000 }).request(target.url, { method: 'GET' });

    expect(response).toMatchObject({ body: 'y'.repeat(1000), truncated: false });
  });

  it('reports a connection reset clearly', async () => {
    const target = await receiver((request) => request.socket.resetAndDestroy());

    const error = await rejectionOf(client().request(target.url, { method: 'POST', body: '{}' }));

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(error.message).toMatch(
      new RegExp(`^POST ${target.url} failed: (the connection was reset \\(ECONNRESET\\)|the connection closed unexpectedly \\(UND_ERR_SOCKET\\))\\.$`),
    );
  });

  it('reports a refused connection clearly', async () => {
    const closedPort = (await receiver(() => undefined)).port;
    await open.pop()!.close();

    const error = await rejectionOf(client().request(`http://127.0.0.1:${closedPort}/`, { method: 'GET' }));

    expect(error.message).toBe(`GET http://127.0.0.1:${closedPort} failed: the connection was refused (ECONNREFUSED).`);
  });
});

describe('TLS', () => {
  // A throwaway self-signed certificate per run, so no private key lives in the repository.
  const dir = mkdtempSync(join(tmpdir(), 'portico-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });

  async function tlsReceiver() {
    const server = createHttpsServer({ cert, key }, (_request, response) => response.end('secure'));
    const started = await listen(server, 'https');
    open.push(started);
    return started;
  }

  it('verifies the certificate against the name, trusting an operator CA', async () => {
    const target = await tlsReceiver();

    const response = await client({ tls: { ca: cert } }).request(`https://localhost:${target.port}/`, { method: 'GET' });

    expect(response.body).toBe('secure');
  });

  it('refuses a certificate no trusted CA signed', async () => {
    const target = await tlsReceiver();

    const error = await rejectionOf(client().request(`https://localhost:${target.port}/`, { method: 'GET' }));

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(error.message).toMatch(/^GET https:\/\/localhost:\d+ failed: TLS verification failed \([A-Z_]+\)\.$/);
  });

  it('checks the certificate against the URL name, not the address connected to', async () => {
    const target = await tlsReceiver();

    const error = await rejectionOf(
      client({ tls: { ca: cert } }).request(`https://receiver.corp.example:${target.port}/`, { method: 'GET' }),
    );

    expect(error.message).toMatch(/failed: TLS verification failed \(ERR_TLS_CERT_ALTNAME_INVALID\)\.$/);
  });

  it('refuses a denied https destination before the TCP connection', async () => {
    const target = await tlsReceiver();

    const error = await rejectionOf(
      client({ policy: createEgressPolicy(), tls: { ca: cert } }).request(`https://localhost:${target.port}/`, { method: 'GET' }),
    );

    expect(error).toMatchObject({ code: 'EGRESS_DENIED' });
    expect(target.connections).toBe(0);
  });
});

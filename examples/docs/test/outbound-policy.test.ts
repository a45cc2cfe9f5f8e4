import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEgress, createEgressPolicy, createGateway, silentLogger } from '@portico/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A CA of this test's own, and a certificate it signed for 127.0.0.1: the "on-premises PKI".
const dir = mkdtempSync(join(tmpdir(), 'portico-docs-outbound-'));
const path = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
openssl('req', '-x509', ...ec, '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '1', '-subj', '/CN=Portico docs test CA');
openssl('req', ...ec, '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=127.0.0.1');
writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
openssl('x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial',
  '-out', path('server.pem'), '-days', '1', '-extfile', path('server.ext'));

process.env.PORTICO_MASTER_KEY = Buffer.alloc(32, 3).toString('base64');
process.env.CORP_CA_FILE = path('ca.pem');
process.env.PORTICO_EGRESS_ALLOW = '127.0.0.1/32';
delete process.env.PORTICO_EGRESS_DENY;

const { gateway, storage } = await import('../snippets/outbound-policy.ts');

describe('the egress policy of docs/outbound-security.md', () => {
  const received: Array<{ url: string; body: unknown }> = [];
  let receiver: Server;
  let origin = '';

  beforeAll(async () => {
    receiver = createServer({ key: readFileSync(path('server.key')), cert: readFileSync(path('server.pem')) }, async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
      if (request.url === '/moved') return void response.writeHead(302, { location: '/hook' }).end();
      received.push({ url: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(200).end('ok');
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    origin = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await gateway.stop();
    await storage.close();
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const integration = async (endpointUrl: string) =>
    (await gateway.integrations.create({ name: 'Receiver', type: 'WEBHOOK_OUT', endpointUrl }, 'admin')).integration.id;

  it('delivers over HTTPS to an allowed receiver whose certificate the operator CA signed', async () => {
    const result = await gateway.send(await integration(`${origin}/hook`), { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'pm-kim');
    expect(result).toMatchObject({ sent: true, statusCode: 200, status: 'delivered' });
    expect(received).toEqual([{ url: '/hook', body: expect.objectContaining({ event: 'TICKET_CREATED', message: 'SR-1042 opened' }) }]);
  });

  it.each([
    ['a prepended denial inside an allowed private range', 'http://10.20.0.5/hook', '10.20.0.5 is in denied range 10.20.0.0/16'],
    ['loopback outside the /32 the environment opened', 'http://127.0.0.2/hook', '127.0.0.2 is in denied range 127.0.0.0/8'],
    ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is in denied range 169.254.0.0/16'],
    ['a loopback IP literal in another notation', 'http://2130706434/hook', '127.0.0.2 is in denied range 127.0.0.0/8'],
    ['a public address no rule allows', 'http://198.51.100.7/hook', '198.51.100.7 is in no allowed range'],
  ])('refuses %s with EGRESS_DENIED, before connecting', async (_, url, reason) => {
    const before = received.length;
    const result = await gateway.send(await integration(url), { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'pm-kim');
    expect(result).toMatchObject({ sent: false, statusCode: null, status: 'failed' });
    expect(result.error).toMatch(/^EGRESS_DENIED: Egress to \S+ refused: /);
    expect(result.error).toContain(reason);
    expect(received).toHaveLength(before);
    const delivery = await gateway.deliveries.get(result.deliveryId);
    expect(delivery.attempts[0]?.error).toBe(result.error);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const before = received.length;
    const result = await gateway.send(await integration(`${origin}/moved`), { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'pm-kim');
    expect(result).toMatchObject({ sent: false, statusCode: 302, status: 'pending' });
    expect(result.error).toContain('redirects are not followed');
    expect(received).toHaveLength(before);
  });

  it('verifies TLS: without the operator CA the same receiver is refused', async () => {
    const noCa = createGateway({
      logger: silentLogger,
      egress: { policy: createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] }) },
    });
    try {
      const { integration: created } = await noCa.integrations.create({ name: 'Receiver', type: 'WEBHOOK_OUT', endpointUrl: `${origin}/hook` }, 'admin');
      const result = await noCa.send(created.id, { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'pm-kim');
      expect(result).toMatchObject({ sent: false, statusCode: null });
      // The certificate chains to no root Node trusts: the connection fails, nothing is sent.
      expect(result.error).toMatch(/^UPSTREAM_UNAVAILABLE: .*TLS verification failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
      expect(received.filter((request) => request.url === '/hook')).toHaveLength(1);
    } finally {
      await noCa.stop();
    }
  });

  it('allowedPorts and allowedHosts narrow the policy further', () => {
    const policy = createEgressPolicy({ allowedPorts: [443, 8443], allowedHosts: ['*.corp.example'] });
    expect(checkEgress(policy, { host: 'hooks.corp.example', port: 443, address: '10.2.0.7' })).toEqual({ allowed: true });
    expect(checkEgress(policy, { host: 'hooks.corp.example', port: 80, address: '10.2.0.7' })).toEqual({
      allowed: false,
      reason: 'port 80 is not in the allowed ports',
    });
    expect(checkEgress(policy, { host: 'elsewhere.example', port: 443, address: '10.2.0.7' })).toMatchObject({ allowed: false });
  });
});

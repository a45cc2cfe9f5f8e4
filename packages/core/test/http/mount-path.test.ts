import { describe, expect, it } from 'vitest';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway } from '../../src/gateway';
import { createHttpHandler } from '../../src/http/handler';
import { silentLogger } from '../../src/logger';

const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
const get = (handler: ReturnType<typeof createHttpHandler>, path: string, mountPath?: string) =>
  handler.handle({ method: 'GET', path: `/api/gateway${path}`, query: new URLSearchParams(), headers: {}, rawBody: new Uint8Array(), mountPath });
const serversOf = async (...args: Parameters<typeof get>) => (JSON.parse(String((await get(...args)).body)) as { servers: unknown }).servers;

describe('the mount path in the documents', () => {
  it('names the mount path the adapter reports as the server, and / at the root', async () => {
    const handler = createHttpHandler(gateway);
    expect(await serversOf(handler, '/openapi.json')).toEqual([{ url: '/' }]);
    expect(await serversOf(handler, '/openapi.json', '/internal')).toEqual([{ url: '/internal' }]);
    expect(String((await get(handler, '/docs', '/internal')).body)).toContain('/internal');
  });

  it('answers every one of many mount paths rightly, though it keeps only a few', async () => {
    const handler = createHttpHandler(gateway);
    for (let tenant = 0; tenant < 20; tenant++) {
      expect(await serversOf(handler, '/openapi.json', `/tenants/t${tenant}`)).toEqual([{ url: `/tenants/t${tenant}` }]);
    }
  });

  it('keeps the configured servers whatever the mount', async () => {
    const handler = createHttpHandler(gateway, { openapi: { servers: [{ url: 'https://gw.corp.example/x' }] } });
    expect(await serversOf(handler, '/openapi.json', '/internal')).toEqual([{ url: 'https://gw.corp.example/x' }]);
  });
});

import type { HttpHandler } from '@portico/core';
import { describe, expect, it } from 'vitest';
import type { AdapterClient } from './client';
import { expectProblem } from './fixtures';

const UNKNOWN_ID = 'GW-00000000';

/**
 * Routing, error documents, the API's own documents and the boundary with the host's routes:
 * what the core decides, arriving unchanged through the adapter.
 *
 * @example
 * ```ts
 * contractTests(handler, () => client);
 * ```
 */
export function contractTests(handler: HttpHandler, client: () => AdapterClient): void {
  describe('routing and problems', () => {
    it('answers errors as application/problem+json with type, title, status, detail and code', async () => {
      const reply = await client().api('GET', `/integrations/${UNKNOWN_ID}`, { token: 'admin-token' });
      const problem = expectProblem(reply, 404, 'NOT_FOUND');
      expect(problem.detail).toContain(UNKNOWN_ID);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('answers a 404 problem for an unknown path under the prefix', async () => {
      expectProblem(await client().api('GET', '/no-such-route'), 404, 'NOT_FOUND');
      expectProblem(await client().api('POST', '/integrations/x/y/z', { token: 'admin-token' }), 404, 'NOT_FOUND');
    });

    it.each([
      ['DELETE', '/integrations', ['GET', 'POST']],
      ['PATCH', '/stats', ['GET']],
      ['GET', '/webhook', ['POST']],
    ])('answers %s %s with 405 and Allow', async (method, path, allowed) => {
      const reply = await client().api(method, path, { token: 'admin-token' });
      expectProblem(reply, 405, 'METHOD_NOT_ALLOWED');
      const allow = (reply.headers.get('allow') ?? '').split(/,\s*/);
      expect(allow.sort()).toEqual([...allowed].sort());
    });

    it('leaves every path outside the prefix to the host, which answers 418', async () => {
      for (const path of ['/', '/not-portico', `${handler.prefix}x/stats`, handler.prefix.slice(0, -1)]) {
        const reply = await client().host('GET', path, { token: 'admin-token' });
        expect(reply.status, path).toBe(418);
      }
    });

    it('decodes a percent-encoded path parameter exactly once', async () => {
      const reply = await client().api('GET', '/integrations/GW-%2541', { token: 'admin-token' });
      expect(expectProblem(reply, 404, 'NOT_FOUND').detail).toContain("'GW-%41'");
    });

    it('answers 400 naming the parameter for malformed percent-encoding', async () => {
      const reply = await client().api('GET', '/integrations/GW-%E0%A4%A', { token: 'admin-token' });
      expect(expectProblem(reply, 400, 'VALIDATION_FAILED').errors).toEqual([{ path: 'int_id', message: expect.any(String) }]);
    });

    it('passes the raw query string through', async () => {
      const listed = await client().api('GET', '/integrations?type_filter=MONITORING&enabled_only=true&limit=5', { token: 'admin-token' });
      expect(listed.status, listed.text).toBe(200);
      const refused = await client().api('GET', '/integrations?limit=0&type_filter=NOPE', { token: 'admin-token' });
      const fields = (expectProblem(refused, 400, 'VALIDATION_FAILED').errors as { path: string }[]).map((issue) => issue.path);
      expect(fields.sort()).toEqual(['limit', 'type_filter']);
    });

    it('answers HEAD like GET, without a body', async () => {
      const reply = await client().api('HEAD', '/stats', { token: 'admin-token' });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.text).toBe('');
    });
  });

  describe('documents', () => {
    it('serves GET /openapi.json as JSON naming every route by its operationId', async () => {
      const reply = await client().api('GET', '/openapi.json');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      const document = reply.json<{ openapi: string; paths: Record<string, Record<string, { operationId?: string }>> }>();
      expect(document.openapi).toMatch(/^3\.1\./);
      const operationIds = Object.values(document.paths).flatMap((operations) =>
        Object.values(operations).map((operation) => operation.operationId),
      );
      expect(operationIds).toEqual(expect.arrayContaining(handler.routes.map((route) => route.operationId)));
    });

    it('names where the adapter is mounted as the server of its OpenAPI document', async () => {
      const document = (await client().api('GET', '/openapi.json')).json<{ servers: { url: string }[] }>();
      expect(document.servers).toEqual([{ url: client().mountPath === '' ? '/' : client().mountPath }]);
    });

    it('serves GET /docs as an HTML page', async () => {
      const reply = await client().api('GET', '/docs');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.text).toMatch(/<html/i);
    });
  });
}

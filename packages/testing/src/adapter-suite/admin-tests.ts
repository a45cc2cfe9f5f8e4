import { describe, expect, it } from 'vitest';
import type { AdapterClient } from './client';
import { expectProblem } from './fixtures';

const admin = { token: 'admin-token' } as const;

/**
 * The admin routes end to end: each success status, and validation problems that list every
 * failing field.
 *
 * @example
 * ```ts
 * adminTests(() => client);
 * ```
 */
export function adminTests(client: () => AdapterClient): void {
  describe('admin routes', () => {
    it('registers (201), lists, reads, updates, rotates (200), reports usage and deletes an integration', async () => {
      const created = await client().api('POST', '/integrations', { ...admin, json: { name: 'Zabbix', type: 'MONITORING', rate_limit: 120 } });
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(/^application\/json/);
      const { int_id: intId, api_key: apiKey } = created.json<{ int_id: string; api_key: string }>();
      expect(created.json()).toMatchObject({ name: 'Zabbix', type: 'MONITORING', rate_limit: 120, created_by: 'admin', warning: expect.any(String) });
      expect(intId).toMatch(/^GW-[0-9A-F]{8}$/);

      const listed = await client().api('GET', '/integrations?type_filter=MONITORING&limit=500', admin);
      expect(listed.status).toBe(200);
      expect(listed.json<{ integrations: { int_id: string }[] }>().integrations.map((item) => item.int_id)).toContain(intId);

      const read = await client().api('GET', `/integrations/${intId}`, admin);
      expect(read.status).toBe(200);
      expect(read.json()).toMatchObject({ int_id: intId, name: 'Zabbix' });

      const updated = await client().api('PUT', `/integrations/${intId}`, { ...admin, json: { name: 'Zabbix 7', enabled: false } });
      expect(updated.status, updated.text).toBe(200);
      expect(updated.json()).toMatchObject({ name: 'Zabbix 7', status: 'INACTIVE', enabled: false, updated_by: 'admin' });

      const rotated = await client().api('POST', `/integrations/${intId}/rotate-key`, admin);
      expect(rotated.status, rotated.text).toBe(200);
      expect(rotated.json<{ api_key: string }>().api_key).not.toBe(apiKey);

      const from = new Date(Date.now() - 3_600_000).toISOString();
      const to = new Date().toISOString();
      const usage = await client().api('GET', `/integrations/${intId}/usage?from=${from}&to=${to}&bucket=hour`, admin);
      expect(usage.status, usage.text).toBe(200);
      expect(usage.json()).toMatchObject({ int_id: intId, bucket: 'hour', points: expect.any(Array) });

      const deleted = await client().api('DELETE', `/integrations/${intId}`, admin);
      expect(deleted.status).toBe(200);
      expect(deleted.json<{ message: string }>().message).toContain(intId);
      expectProblem(await client().api('GET', `/integrations/${intId}`, admin), 404, 'NOT_FOUND');
    });

    it('answers GET /logs and GET /stats', async () => {
      const logs = await client().api('GET', '/logs?limit=10&direction=IN', admin);
      expect(logs.status, logs.text).toBe(200);
      expect(logs.json()).toMatchObject({ total: expect.any(Number), logs: expect.any(Array) });
      const stats = await client().api('GET', '/stats', admin);
      expect(stats.status).toBe(200);
      expect(stats.json()).toMatchObject({ total_integrations: expect.any(Number), success_rate_pct: expect.any(Number) });
    });

    it('answers 400 listing every invalid field of a body', async () => {
      const reply = await client().api('POST', '/integrations', { ...admin, json: { name: '', type: 'NOPE', rate_limit: 0 } });
      const problem = expectProblem(reply, 400, 'VALIDATION_FAILED');
      const fields = (problem.errors as { path: string; message: string }[]).map((issue) => issue.path);
      expect(fields.sort()).toEqual(['name', 'rate_limit', 'type']);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const reply = await client().api('POST', '/integrations', {
        ...admin,
        body: '{"name": "half',
        headers: { 'content-type': 'application/json' },
      });
      expect(expectProblem(reply, 400, 'VALIDATION_FAILED').errors).toEqual([{ path: '(body)', message: expect.any(String) }]);
    });
  });
}

import { defaultPolicy, gatewayRoutes, type HttpHandler, type Route } from '@portico/core';
import { describe, expect, it } from 'vitest';
import type { AdapterClient } from './client';
import { expectProblem } from './fixtures';

const grantedTo = (role: string, access: string) => {
  const permissions = defaultPolicy[role] ?? [];
  return access === 'authenticated' || permissions.includes('*') || permissions.includes(access);
};

const concretePath = (route: Route) => route.path.replace(/\{\w+\}/g, 'GW-00000000');

/**
 * The authorization matrix, derived from `handler.routes` so a route added to the table is
 * covered without a new test: for every route that needs a principal, anonymous → 401 with
 * `WWW-Authenticate`, PM → 403 unless the default policy grants PM the route's permission, and
 * ADMIN is let through (whatever the route then answers, it is not 401 or 403).
 *
 * @example
 * ```ts
 * accessTests(handler, () => client);
 * ```
 */
export function accessTests(handler: HttpHandler, client: () => AdapterClient): void {
  const guarded = handler.routes.filter((route) => route.access !== 'public' && route.access !== 'webhook');

  describe('authorization matrix', () => {
    it('covers every guarded route of the core', () => {
      const core = gatewayRoutes.filter((route) => route.access !== 'public' && route.access !== 'webhook');
      expect(core.length).toBeGreaterThan(0);
      expect(guarded).toEqual(expect.arrayContaining([...core]));
    });

    it.each(guarded.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', async (_, route) => {
      const path = concretePath(route);

      const anonymous = await client().api(route.method, path);
      expectProblem(anonymous, 401, 'UNAUTHENTICATED');
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);

      const pm = await client().api(route.method, path, { token: 'pm-token' });
      if (grantedTo('PM', route.access)) expect([401, 403]).not.toContain(pm.status);
      else expectProblem(pm, 403, 'FORBIDDEN');

      const admin = await client().api(route.method, path, { token: 'admin-token' });
      expect([401, 403], admin.text).not.toContain(admin.status);
    });

    const open = handler.routes.filter((route) => route.access === 'public' && !route.path.includes('{'));
    it.each(open.map((route) => [`${route.method} ${route.path}`, route] as const))('%s answers anyone', async (_, route) => {
      const reply = await client().api(route.method, route.path);
      expect(reply.status, reply.text).toBeLessThan(400);
    });
  });
}

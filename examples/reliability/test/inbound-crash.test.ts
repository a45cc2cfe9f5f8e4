import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithServices, type ServiceProbes } from '@portico/testing';
import { afterAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, MASTER_KEY, admin } from './admin-api';
import { waitUntil } from './bounded';
import { startGateway, stopAllGateways, type GatewayProcess } from './gateway-process';
import { PG_URL, postgresAnswers, throwawaySchema } from './services';
import { allPages, signedWebhook } from './signed-webhooks';

const TOTAL = 2_000;
const IN_FLIGHT = 16;
/** The gateway is killed once this many webhooks of its life were answered 202, with 16 still in flight. */
const KILL_AFTER = [300, 700];
const HANDOFF_DEADLINE_MS = 60_000;

interface Store {
  name: string;
  probes: ServiceProbes;
  open(dir: string): { env: Record<string, string>; remove(): Promise<void> };
}

const stores: Store[] = [
  {
    name: 'SQLite',
    probes: {},
    open: (dir) => ({ env: { STORE: 'sqlite', SQLITE_FILE: join(dir, 'portico.db') }, remove: async () => {} }),
  },
  {
    name: 'PostgreSQL',
    probes: { postgres: postgresAnswers },
    open() {
      const { schema, drop } = throwawaySchema();
      return { env: { STORE: 'postgres', PG_URL, PG_SCHEMA: schema }, remove: drop };
    },
  },
];

const get = (base: string) => (path: string) => admin<Record<string, unknown>>(base, 'GET', path);
const handedOff = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

for (const store of stores) {
  await describeWithServices(`webhooks acknowledged before a SIGKILL on ${store.name}`, store.probes, () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-inbound-crash-'));
    const config = store.open(dir);
    const handoffLog = join(dir, 'handed-off.txt');
    const env = { ...config.env, MASTER_KEY, ADMIN_TOKEN, HANDOFF_LOG: handoffLog };
    afterAll(async () => {
      await stopAllGateways();
      await config.remove();
      rmSync(dir, { recursive: true, force: true });
    });

    it('are all in the inbox, the log and the stats after restarts, and reach the handler at least once', async () => {
      let gateway: GatewayProcess = startGateway(env);
      let base = await gateway.url;
      const created = await admin<{ int_id: string; api_key: string; secret: string }>(base, 'POST', '/integrations', {
        name: 'Load',
        type: 'MONITORING',
        signature_scheme: 'standard',
        rate_limit: 100_000,
      });
      expect(created.status).toBe(201);
      const { int_id: intId, api_key: apiKey, secret } = created.body;

      /** Event ids of the webhooks answered 202, by their `n`. */
      const acknowledged = new Map<number, string>();
      let unanswered = 0;
      let next = 0;
      for (let life = 0; next < TOTAL; life++) {
        const killAt = KILL_AFTER[life];
        let ackedThisLife = 0;
        let killing: Promise<void> | undefined;
        const worker = async () => {
          while (next < TOTAL && killing === undefined) {
            const n = next++;
            const answer = await signedWebhook(base, apiKey, secret, { event: 'LOAD', n });
            if (answer.status === 202 && answer.eventId !== null) {
              acknowledged.set(n, answer.eventId);
              ackedThisLife++;
              if (killAt !== undefined && ackedThisLife >= killAt) killing ??= gateway.crash();
            } else {
              expect(answer.status, `webhook ${n} answered ${answer.status}`).toBe(0);
              unanswered++;
            }
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
        await killing;
        if (killing !== undefined) {
          gateway = startGateway(env);
          base = await gateway.url;
        }
      }
      expect(acknowledged.size + unanswered).toBe(TOTAL);
      expect(unanswered, 'requests the kills cut off in flight').toBeGreaterThan(0);
      expect(acknowledged.size).toBeGreaterThan(TOTAL - 2 * IN_FLIGHT);

      await waitUntil(
        async () => ((await get(base)(`/events?int_id=${intId}&status=pending&limit=1`)).body.total as number) === 0,
        { timeoutMs: HANDOFF_DEADLINE_MS, describe: () => `events still pending\n${gateway.output()}` },
      );

      const inbox = new Set((await allPages<{ event_id: string; status: string }>(`/events?int_id=${intId}`, 'events', get(base))).map((e) => e.event_id));
      const ids = [...acknowledged.values()];
      expect(ids.filter((id) => !inbox.has(id)), 'acknowledged webhooks missing from the inbox').toEqual([]);
      expect((await get(base)(`/events?int_id=${intId}&status=failed&limit=1`)).body.total).toBe(0);

      const logged = await allPages<{ event: string; payload: { n?: number } }>(`/logs?int_id=${intId}&direction=IN`, 'logs', get(base));
      const loggedNs = new Set(logged.filter((entry) => entry.event === 'WEBHOOK_LOAD').map((entry) => entry.payload.n));
      expect([...acknowledged.keys()].filter((n) => !loggedNs.has(n)), 'acknowledged webhooks missing from the log').toEqual([]);

      const stats = (await admin<{ total_requests: number; total_errors: number }>(base, 'GET', '/stats')).body;
      // Successes count every committed webhook: the acknowledged ones and any the crash cut off after their commit.
      expect(stats.total_requests - stats.total_errors).toBeGreaterThanOrEqual(acknowledged.size);
      expect(stats.total_requests - stats.total_errors).toBe(inbox.size);

      const handed = new Set(handedOff(handoffLog));
      expect(ids.filter((id) => !handed.has(id)), 'acknowledged webhooks the handler never got').toEqual([]);
    });
  });
}

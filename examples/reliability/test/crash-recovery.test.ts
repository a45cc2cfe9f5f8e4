import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithServices, type ServiceProbes } from '@portico/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, MASTER_KEY, admin, countDeliveries, createReceiverIntegration, send, webhook, type Created } from './admin-api';
import { waitUntil, withConcurrency } from './bounded';
import { startGateway, stopAllGateways } from './gateway-process';
import { createReceiver, freePort, type Receiver } from './receiver';
import { PG_URL, postgresAnswers, throwawaySchema } from './services';

const SENDS = 30;
const DELIVERY_DEADLINE_MS = 30_000;
/* Polls of the dispatcher (every 100 ms) after the last delivery in which a duplicate could still show. */
const QUIET_MS = 1_000;

interface Store {
  name: string;
  /** The services the store needs, for describeWithServices. */
  probes: ServiceProbes;
  /** The store's environment for the gateway process, and how to remove what it leaves. */
  open(): { env: Record<string, string>; remove(): Promise<void> };
}

const stores: Store[] = [
  {
    name: 'SQLite',
    probes: {},
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'portico-reliability-'));
      return {
        env: { STORE: 'sqlite', SQLITE_FILE: join(dir, 'portico.db') },
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
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

interface LogPage {
  logs: { log_id: string }[];
  next_cursor: string | null;
}

/** Every log id of an integration, following the pages (at most 20 of 500). */
async function logIds(base: string, intId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = '';
  for (let page = 0; page < 20 && cursor !== null; page++) {
    const query = `/logs?int_id=${intId}&limit=500${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const answer: { status: number; body: LogPage } = await admin<LogPage>(base, 'GET', query);
    expect(answer.status).toBe(200);
    for (const entry of answer.body.logs) ids.add(entry.log_id);
    cursor = answer.body.next_cursor;
  }
  return ids;
}

interface Delivery {
  status: string;
  attempts: { status_code: number | null; error: string }[];
}

interface Stats {
  total_integrations: number;
  total_requests: number;
  total_errors: number;
}

for (const store of stores) {
  await describeWithServices(`crash recovery on ${store.name}`, store.probes, () => {
    let config: ReturnType<Store['open']> | undefined;
    let env: Record<string, string>;
    let receiver: Receiver;
    let integration: Created;
    let deliveryIds: string[];
    let logsBeforeCrash: Set<string>;
    let statsBeforeCrash: Stats;
    let base: string;

    beforeAll(async () => {
      config = store.open();
      env = { ...config.env, MASTER_KEY, ADMIN_TOKEN };
      // A port kept free but not listened on: the receiver is down until `listen()`.
      receiver = createReceiver(await freePort());
    });
    afterAll(async () => {
      await stopAllGateways();
      await receiver?.close();
      await config?.remove();
    });

    it('delivers every notification queued before a SIGKILL exactly once after a restart', async () => {
      const first = startGateway(env);
      const firstBase = await first.url;
      integration = await createReceiverIntegration(firstBase, receiver.port, 1_000);

      const answers = await withConcurrency([...Array(SENDS).keys()], 10, (i) => send(firstBase, integration.int_id, i));
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        expect(answer.body).toMatchObject({ sent: false, status: 'pending' });
      }
      deliveryIds = answers.map((answer) => answer.body.delivery_id);
      expect(new Set(deliveryIds).size).toBe(SENDS);

      // Reading the log and the stats flushes their buffers: what they show is what was stored.
      logsBeforeCrash = await logIds(firstBase, integration.int_id);
      statsBeforeCrash = (await admin<Stats>(firstBase, 'GET', '/stats')).body;
      expect(statsBeforeCrash.total_errors).toBeGreaterThanOrEqual(SENDS);

      await first.crash();
      expect(receiver.requests.size).toBe(0);
      await receiver.listen();

      const second = startGateway(env);
      base = await second.url;
      // The receiver counts a delivery before it answers: the outbox says so a moment later.
      const settled = async () => receiver.accepted.size === SENDS && (await countDeliveries(base, integration.int_id, 'pending')) === 0;
      await waitUntil(settled, {
        timeoutMs: DELIVERY_DEADLINE_MS,
        describe: () => `the receiver took ${receiver.accepted.size} of ${SENDS} deliveries\n${second.output()}`,
      });
      expect(await countDeliveries(base, integration.int_id, 'failed')).toBe(0);
      // Each outbox record tells both lives: refused before the crash, delivered after it.
      const outbox = await admin<{ deliveries: Delivery[] }>(base, 'GET', `/deliveries?int_id=${integration.int_id}&limit=500`);
      expect(outbox.body.deliveries).toHaveLength(SENDS);
      for (const delivery of outbox.body.deliveries) {
        expect(delivery.status).toBe('delivered');
        expect(delivery.attempts[0]).toMatchObject({ status_code: null });
        expect(delivery.attempts.at(-1)).toMatchObject({ status_code: 200, error: '' });
      }
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));

      expect([...receiver.accepted.keys()].sort()).toEqual([...deliveryIds].sort());
      const repeated = [...receiver.requests].filter(([, count]) => count !== 1);
      expect(repeated, 'webhook-ids the receiver got more than once').toEqual([]);
      expect(receiver.anonymous).toBe(0);
    });

    it('keeps the API key, the integration, its log and its usage across the crash', async () => {
      expect((await webhook(base, integration.api_key, { event: 'AFTER_CRASH' })).status).toBe(202);

      const list = await admin<{ integrations: { int_id: string; endpoint_url: string }[] }>(base, 'GET', '/integrations');
      expect(list.status).toBe(200);
      expect(list.body.integrations).toEqual([
        expect.objectContaining({ int_id: integration.int_id, endpoint_url: `http://127.0.0.1:${receiver.port}/hook` }),
      ]);

      const logsNow = await logIds(base, integration.int_id);
      expect([...logsBeforeCrash].filter((id) => !logsNow.has(id)), 'log entries lost in the crash').toEqual([]);

      const stats = (await admin<Stats>(base, 'GET', '/stats')).body;
      expect(stats.total_integrations).toBe(1);
      expect(stats.total_errors).toBeGreaterThanOrEqual(statsBeforeCrash.total_errors);
      // Successes: every delivery once, and the webhook above.
      expect(stats.total_requests - stats.total_errors).toBe(SENDS + 1);
    });
  });
}

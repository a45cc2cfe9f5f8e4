import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithServices } from '@portico/testing';
import { afterAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, MASTER_KEY, admin } from './admin-api';
import { waitUntil, withConcurrency } from './bounded';
import { startGateway, stopAllGateways } from './gateway-process';
import { PG_URL, postgresAnswers, throwawaySchema } from './services';
import { signedWebhook } from './signed-webhooks';

const EVENTS = 1_000;
const HANDOFF_DEADLINE_MS = 60_000;
/* Polls of the dispatchers (every 100 ms) after the last hand-off in which a second one could still show. */
const QUIET_MS = 1_000;

await describeWithServices('two gateway instances handing webhooks off from one PostgreSQL inbox', { postgres: postgresAnswers }, () => {
  const schema = throwawaySchema();
  const dir = mkdtempSync(join(tmpdir(), 'portico-inbound-two-'));
  const logs = [join(dir, 'a.txt'), join(dir, 'b.txt')] as const;
  afterAll(async () => {
    await stopAllGateways();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands each of 1,000 events to exactly one handler', async () => {
    const env = { STORE: 'postgres', PG_URL, PG_SCHEMA: schema.schema, MASTER_KEY, ADMIN_TOKEN };
    const first = startGateway({ ...env, HANDOFF_LOG: logs[0] });
    const bases = [await first.url] as string[];
    const second = startGateway({ ...env, HANDOFF_LOG: logs[1] });
    bases.push(await second.url);
    const created = await admin<{ api_key: string; secret: string }>(bases[0] ?? '', 'POST', '/integrations', {
      name: 'Shared',
      type: 'MONITORING',
      signature_scheme: 'standard',
      rate_limit: 100_000,
    });
    expect(created.status).toBe(201);

    const answers = await withConcurrency([...Array(EVENTS).keys()], 16, (n) =>
      signedWebhook(bases[n % 2] ?? '', created.body.api_key, created.body.secret, { event: 'SHARED', n }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(EVENTS).fill(202));
    const ids = answers.map((answer) => answer.eventId ?? '');

    const handed = () => logs.flatMap((file) => readFileSync(file, { encoding: 'utf8', flag: 'a+' }).split('\n').filter(Boolean));
    await waitUntil(() => new Set(handed()).size === EVENTS, {
      timeoutMs: HANDOFF_DEADLINE_MS,
      describe: () => `${new Set(handed()).size} of ${EVENTS} handed off`,
    });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const all = handed();
    expect(all).toHaveLength(EVENTS);
    expect([...new Set(all)].sort()).toEqual([...ids].sort());
    const delivered = await admin<{ total: number }>(bases[1] ?? '', 'GET', '/events?status=delivered&limit=1');
    expect(delivered.body.total).toBe(EVENTS);
  });
});

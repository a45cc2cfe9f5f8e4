import { createHash } from 'node:crypto';
import { describeWithServices } from '@portico/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, MASTER_KEY, admin, countDeliveries, createReceiverIntegration, send, webhook, type Created } from './admin-api';
import { waitUntil, withConcurrency } from './bounded';
import { startGateway, stopAllGateways } from './gateway-process';
import { createReceiver, freePort, type Receiver } from './receiver';
import { PG_URL, REDIS_URL, postgresAnswers, redisAnswers, throwawayRedisPrefix, throwawaySchema } from './services';

const RATE_LIMIT = 20;
const WEBHOOKS = 10 * RATE_LIMIT;
const SENDS = 1_000;
const SEND_CONCURRENCY = 20;
const DELIVERY_DEADLINE_MS = 60_000;
/* Polls of the dispatchers (every 100 ms) after the last delivery in which a duplicate could still show. */
const QUIET_MS = 1_000;

/**
 * About one delivery in four is refused with a 503 the first time, so the dispatchers of both
 * instances race to claim its retry from the shared outbox. Decided by the id, so the test knows
 * which deliveries should have needed two requests.
 */
const refusedOnce = (webhookId: string) => (createHash('sha256').update(webhookId).digest()[0] ?? 0) % 4 === 0;

const needs = { postgres: postgresAnswers, redis: redisAnswers };
await describeWithServices('two gateway instances on one PostgreSQL schema and one Redis', needs, () => {
  const schema = throwawaySchema();
  const redis = throwawayRedisPrefix();
  const env = {
    STORE: 'postgres',
    PG_URL,
    PG_SCHEMA: schema.schema,
    REDIS_URL,
    REDIS_PREFIX: redis.prefix,
    MASTER_KEY,
    ADMIN_TOKEN,
  };
  let receiver: Receiver;
  let bases: [string, string];
  const baseFor = (index: number) => bases[index % 2] ?? bases[0];

  beforeAll(async () => {
    receiver = createReceiver(await freePort(), (id, requestNumber) => (requestNumber === 1 && refusedOnce(id) ? 503 : 200));
    await receiver.listen();
    // Started together, so both migrate the new schema at once, as a rolling deploy would.
    const [a, b] = [startGateway(env), startGateway(env)];
    bases = [await a.url, await b.url];
  });
  afterAll(async () => {
    await stopAllGateways();
    await receiver?.close();
    await schema.drop();
    await redis.clear();
  });

  it(`admits exactly rate_limit (${RATE_LIMIT}) of ${WEBHOOKS} concurrent webhooks split across both`, async () => {
    const created = await admin<Created>(bases[0], 'POST', '/integrations', { name: 'Zabbix', type: 'MONITORING', rate_limit: RATE_LIMIT });
    expect(created.status).toBe(201);

    const answers = await Promise.all(
      Array.from({ length: WEBHOOKS }, (_, i) => webhook(baseFor(i), created.body.api_key, { event: 'ALERT', n: i })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(RATE_LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(WEBHOOKS - RATE_LIMIT);

    // Each instance counts its own requests; reading the stats flushes them, so the second sees both.
    await admin(bases[0], 'GET', '/stats');
    const stats = await admin<{ total_requests: number; total_rate_limited: number }>(bases[1], 'GET', '/stats');
    expect(stats.body).toMatchObject({ total_requests: RATE_LIMIT, total_rate_limited: WEBHOOKS - RATE_LIMIT });
  });

  it(`delivers ${SENDS} sends split across both exactly once each, retries included`, async () => {
    const integration = await createReceiverIntegration(bases[1], receiver.port, 100_000);

    const answers = await withConcurrency([...Array(SENDS).keys()], SEND_CONCURRENCY, (i) =>
      send(baseFor(i), integration.int_id, i),
    );
    expect(answers.filter((answer) => answer.status !== 202)).toEqual([]);
    const ids = answers.map((answer) => answer.body.delivery_id);
    expect(new Set(ids).size).toBe(SENDS);
    const retried = ids.filter(refusedOnce);
    expect(retried.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer.body.sent).toBe(!refusedOnce(answer.body.delivery_id));

    // The receiver counts a delivery before it answers: the outbox says so a moment later.
    const settled = async () => receiver.accepted.size === SENDS && (await countDeliveries(bases[1], integration.int_id, 'pending')) === 0;
    await waitUntil(settled, {
      timeoutMs: DELIVERY_DEADLINE_MS,
      describe: () => `the receiver took ${receiver.accepted.size} of ${SENDS} deliveries`,
    });
    expect(await countDeliveries(bases[0], integration.int_id, 'delivered')).toBe(SENDS);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));

    expect([...receiver.accepted.keys()].sort()).toEqual([...ids].sort());
    const twice = [...receiver.accepted].filter(([, count]) => count !== 1);
    expect(twice, 'webhook-ids the receiver took more than once').toEqual([]);
    const unexpected = [...receiver.requests].filter(([id, count]) => count !== (refusedOnce(id) ? 2 : 1));
    expect(unexpected, 'webhook-ids requested other than once (twice when first refused)').toEqual([]);
    expect(receiver.anonymous).toBe(0);
  });
});

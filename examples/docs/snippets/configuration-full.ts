// A gateway with every option of `createGateway` set, and its HTTP handler with every option of
// `createHttpHandler`: docs/configuration.md. The test sets the environment, imports it, registers
// an integration and sends it a webhook through the handler, then stops it.
// #region gateway
import { readFileSync } from 'node:fs';
import {
  createEgressPolicy,
  createGateway,
  DEFAULT_HANDOFF_SCHEDULE_MS,
  DEFAULT_RETRY_SCHEDULE_MS,
  keyRingFromBase64,
  memoryRateLimiter,
  parseEgressRules,
  randomIds,
  systemClock,
  type Logger,
} from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// Operators' messages as JSON lines on stderr, for a log shipper. Fields never hold keys or secrets.
const line =
  (level: string) =>
  (message: string, fields?: Record<string, unknown>): void => {
    const plain = (_key: string, value: unknown) => (value instanceof Error ? value.message : value);
    process.stderr.write(`${JSON.stringify({ level, message, ...fields }, plain)}\n`);
  };
const logger: Logger = { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };

const storage = sqliteStorage({ filename: process.env.PORTICO_DB ?? 'portico.db', busyTimeoutMs: 10_000 });

const gateway = createGateway({
  storage,
  rateLimiter: memoryRateLimiter({ maxKeys: 20_000 }),
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '', '2026-01'),
  // The defaults, shown for completeness: tests inject manualClock() and sequentialIds() instead.
  clock: systemClock,
  ids: randomIds,
  logger,
  keyGracePeriodMs: 2 * HOUR_MS,
  webhookToleranceSeconds: 120,
  logs: {
    batchSize: 200,
    flushIntervalMs: 500,
    maxBufferedEntries: 50_000,
    retentionMs: 90 * DAY_MS,
    maxEntries: 1_000_000,
    pruneIntervalMs: 10 * MINUTE_MS,
  },
  usage: {
    flushIntervalMs: 5_000,
    minuteRetentionMs: 2 * DAY_MS,
    hourRetentionMs: 730 * DAY_MS,
    pruneIntervalMs: 6 * HOUR_MS,
  },
  egress: {
    // The on-premises defaults, one more subnet denied ahead of them, HTTPS ports only.
    policy: createEgressPolicy({
      prepend: parseEgressRules({ deny: '10.20.99.0/24' }),
      allowedPorts: [443, 8443],
    }),
    // The operator's own CA, trusted besides Node's bundled roots.
    tls: { ca: readFileSync(process.env.CORP_CA_FILE ?? '/etc/pki/corp-ca.pem', 'utf8') },
  },
  delivery: {
    retryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS.slice(0, 4), // 5 s, 5 min, 30 min, 2 h: five attempts
    timeoutMs: 10_000,
    pollIntervalMs: 2_000,
    leaseMs: 30_000,
    concurrency: 4,
    failingAfter: 10,
    retentionMs: 7 * DAY_MS,
  },
  handoff: {
    retryScheduleMs: DEFAULT_HANDOFF_SCHEDULE_MS.slice(0, 6), // 1 s, 5 s, 30 s, 2 min, 10 min, 30 min: seven hand-offs
    timeoutMs: 10_000,
    pollIntervalMs: 500,
    leaseMs: 30_000, // longer than timeoutMs, or createGateway throws
    concurrency: 16,
    retentionMs: 14 * DAY_MS,
  },
  source: 'guardia_itsm',
});
gateway.start();
// #endregion gateway

// #region handler
import { createHash } from 'node:crypto';
import { createHttpHandler, defaultPolicy, defineRoute, type Principal } from '@portico/core';

// Bearer tokens by their SHA-256, so a lookup compares digests, never the tokens themselves.
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const principals = new Map<string, Principal>(
  [
    { token: process.env.PORTICO_ADMIN_TOKEN, principal: { id: 'ops', roles: ['ADMIN'] } },
    { token: process.env.AUDITOR_TOKEN, principal: { id: 'audit', roles: ['AUDITOR'] } },
  ].flatMap(({ token, principal }) => (token ? [[sha256(`Bearer ${token}`), principal] as const] : [])),
);

const handler = createHttpHandler(gateway, {
  prefix: '/gateway',
  authenticate: (request) => principals.get(sha256(String(request.headers.authorization ?? ''))) ?? null,
  // The default policy, plus a read-only role.
  policy: { ...defaultPolicy, AUDITOR: ['integrations:read', 'logs:read', 'stats:read', 'deliveries:read', 'events:read'] },
  limits: { maxBodyBytes: 256 * 1024 },
  routes: [
    defineRoute({
      method: 'GET',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Whether the gateway answers',
      tags: ['Operations'],
      access: 'public',
      responses: { 200: { description: 'It does.' } },
      errors: [],
      handle: async () => ({ status: 200, body: { ok: true } }),
    }),
  ],
  openapi: {
    title: 'GUARDiA integration gateway',
    version: '2026.1',
    description: 'Webhooks into GUARDiA ITSM, and its notifications out.',
    servers: [{ url: 'https://itsm.corp.example', description: 'production' }],
  },
  logger,
});
// #endregion handler

export { gateway, handler, storage };

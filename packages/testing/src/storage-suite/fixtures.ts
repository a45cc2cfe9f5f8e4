import { randomBytes } from 'node:crypto';
import type { DeliveryRecord, InboxRecord, IntegrationRecord, LogEntry, UsageDelta } from '@portico/core';

/**
 * The instant the suite's times count from. Stores take time as arguments and never read a
 * clock, so every test uses fixed epoch numbers.
 *
 * @example
 * ```ts
 * await storage.replay.remember('scope', 'msg_1', 60_000, T0);
 * ```
 */
export const T0 = Date.UTC(2026, 0, 1);

/**
 * One minute in milliseconds.
 *
 * @example
 * ```ts
 * await storage.usage.add([makeUsageDelta({ intId, granularity: 'minute', startMs: T0 + MINUTE_MS })]);
 * ```
 */
export const MINUTE_MS = 60_000;
/**
 * One hour in milliseconds.
 *
 * @example
 * ```ts
 * await storage.integrations.getByKeyHash(keyHash, T0 + HOUR_MS);
 * ```
 */
export const HOUR_MS = 60 * MINUTE_MS;

/**
 * Random lower-case hex from `node:crypto`: unique values, so tests never collide even on a
 * shared database. Hex also sorts the same under every SQL collation.
 *
 * @example
 * ```ts
 * const keyHash = randomHex(32); // like a SHA-256 digest
 * ```
 */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * A fresh integration id, `GW-` + 8 upper-case hex digits.
 *
 * @example
 * ```ts
 * const intId = randomIntegrationId(); // 'GW-3F9A0C1B'
 * ```
 */
export function randomIntegrationId(): string {
  return `GW-${randomHex(4).toUpperCase()}`;
}

/**
 * A valid integration record with a unique id and key hash; `overrides` replace any field.
 *
 * @example
 * ```ts
 * const record = makeIntegrationRecord({ type: 'REST_API', status: 'TEST' });
 * await storage.integrations.insert(record);
 * ```
 */
export function makeIntegrationRecord(overrides: Partial<IntegrationRecord> = {}): IntegrationRecord {
  return {
    id: randomIntegrationId(),
    name: 'Monitoring bridge',
    type: 'WEBHOOK_IN',
    description: 'Alerts from the monitoring system',
    endpointUrl: null,
    headers: { 'X-Team': 'ops', Authorization: '***' },
    sealedHeaders: null,
    status: 'ACTIVE',
    rateLimit: 60,
    signatureScheme: null,
    sealedSecret: null,
    previousSealedSecret: null,
    previousSignatureScheme: null,
    previousSecretExpiresAt: null,
    keyHash: randomHex(32),
    keyPrefix: 'ptc_live_ab12',
    previousKeyHash: null,
    previousKeyExpiresAt: null,
    failing: false,
    createdBy: 'admin',
    createdAt: T0,
    updatedBy: null,
    updatedAt: null,
    version: 1,
    ...overrides,
  };
}

/**
 * A log entry of a fresh integration, logged at {@link T0}; `overrides` replace any field.
 *
 * @example
 * ```ts
 * await storage.logs.append([makeLogEntry({ intId, loggedAt: T0 + 1 })]);
 * ```
 */
export function makeLogEntry(overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    id: `LOG-${randomHex(4).toUpperCase()}`,
    intId: randomIntegrationId(),
    direction: 'IN',
    event: 'alert.raised',
    status: 'OK',
    payload: { alert: { id: 7, tags: ['db', 'prod'] }, token: '***' },
    error: '',
    loggedAt: T0,
    ...overrides,
  };
}

/**
 * A pending delivery of a fresh integration, due at {@link T0} and not leased; `overrides`
 * replace any field.
 *
 * @example
 * ```ts
 * await storage.outbox.enqueue(makeDeliveryRecord({ nextAttemptAt: T0 + 1000 }));
 * ```
 */
export function makeDeliveryRecord(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: `msg_${randomHex(16)}`,
    intId: randomIntegrationId(),
    event: 'ticket.created',
    body: '{"event":"ticket.created","data":{"id":"SR-1"}}',
    status: 'pending',
    attempts: [],
    nextAttemptAt: T0,
    leaseOwner: null,
    leaseExpiresAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/**
 * A pending event of a fresh integration with a fresh message id, received at {@link T0}, due at
 * once and not leased; `overrides` replace any field. Its `sealedRequest` is opaque text shaped
 * like a sealed value: stores keep it as it is, never open it.
 *
 * @example
 * ```ts
 * const event = makeInboxRecord({ intId, receivedAt: T0 + 1000, nextAttemptAt: T0 + 1000 });
 * await storage.inbox.accept({ event, replayTtlMs: 300_000, log: makeLogEntry({ intId }) });
 * ```
 */
export function makeInboxRecord(overrides: Partial<InboxRecord> = {}): InboxRecord {
  return {
    id: `evt_${randomHex(16)}`,
    intId: randomIntegrationId(),
    messageId: `msg_${randomHex(12)}`,
    event: 'alert.raised',
    sealedRequest: `v1.k1.${randomHex(12)}.${randomHex(48)}.${randomHex(16)}`,
    test: false,
    status: 'pending',
    attempts: [],
    nextAttemptAt: T0,
    leaseOwner: null,
    leaseExpiresAt: null,
    receivedAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/**
 * One success counted in the `total` row of a fresh integration; `overrides` replace any field.
 *
 * @example
 * ```ts
 * await storage.usage.add([makeUsageDelta({ intId, granularity: 'minute', startMs: T0 })]);
 * ```
 */
export function makeUsageDelta(overrides: Partial<UsageDelta> = {}): UsageDelta {
  return {
    intId: randomIntegrationId(),
    granularity: 'total',
    startMs: 0,
    success: 1,
    error: 0,
    rateLimited: 0,
    lastAtMs: T0,
    ...overrides,
  };
}

import { cachedOpener } from './crypto/cached-opener';
import type { GatewayServices } from './services';
import { systemClock, type Clock } from './clock';
import { assertKeyRing, generateKeyRing, type KeyRing } from './crypto/key-ring';
import type { Deliveries } from './delivery/deliveries';
import type { DeliveryOptions } from './delivery/delivery-options';
import { attachDispatcher } from './delivery/dispatcher';
import type { EndpointTestResult } from './delivery/endpoint-test';
import type { NotificationInput } from './delivery/notification';
import { createOutbound, type EgressOptions } from './delivery/outbound';
import type { SendResult } from './delivery/send-notification';
import { randomIds, type IdGenerator } from './ids';
import type { InboundEvent, WebhookAccepted, WebhookRequest } from './inbound/inbound-event';
import { createWebhookReceiver } from './inbound/receive-webhook';
import { consoleLogger, type Logger } from './logger';
import { createLogWriter, type LogOptions, type LogRecord } from './logs/log-writer';
import { integrationTypeLabels, type IntegrationStatus, type IntegrationType } from './model';
import { memoryRateLimiter } from './rate-limit/memory-rate-limiter';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { createIntegrationRegistry, type IntegrationRegistry } from './registry/integration-registry';
import { logQuerySchema, usageQuerySchema, type LogQueryInput, type UsageQuery } from './schemas/inputs';
import { parseInput } from './schemas/parse';
import { memoryStorage } from './storage/memory-storage';
import type { LogEntry, Page } from './storage/records';
import type { Storage } from './storage/storage';
import { createUsageRecorder, type UsageOptions } from './usage/usage-recorder';
import { usageSeries, type UsageSeries } from './usage/usage-series';

/** Options of {@link createGateway}; every one has a default. */
export interface GatewayOptions {
  /** Where integrations, logs, usage and the outbox live. Default: `memoryStorage()` (lost on exit). */
  storage?: Storage;
  /** Default: `memoryRateLimiter()`, right for one instance. */
  rateLimiter?: RateLimiter;
  /**
   * Keys that seal signing secrets and outbound headers at rest. Default: a random ring that
   * lives as long as the process, with a warning, since sealed values then cannot be opened
   * after a restart.
   */
  keyRing?: KeyRing;
  clock?: Clock;
  ids?: IdGenerator;
  /** Where operators' messages go. Default: warnings and errors to the console. */
  logger?: Logger;
  /** How long a rotated-out API key keeps working. Default 24 hours. */
  keyGracePeriodMs?: number;
  /** Accepted clock skew of signed webhook timestamps, both ways. Default 300 seconds. */
  webhookToleranceSeconds?: number;
  logs?: LogOptions;
  usage?: UsageOptions;
  /** Where notifications and endpoint tests may go. Default: on-premises (private) addresses only. */
  egress?: EgressOptions;
  /** Timeouts, retries and leases of outbound notifications. */
  delivery?: DeliveryOptions;
  /** The `source` field of every notification body. Default `portico`. */
  source?: string;
}

/** The totals `gateway.stats()` returns; the original's fields and a few more. */
export interface GatewayStats {
  totalIntegrations: number;
  /** Integrations whose status is not `INACTIVE`. */
  enabled: number;
  disabled: number;
  byStatus: Partial<Record<IntegrationStatus, number>>;
  /** Successful plus failed requests over all integrations. */
  totalRequests: number;
  totalErrors: number;
  totalRateLimited: number;
  /** Share of requests that succeeded, one decimal; 100 when there were none. */
  successRatePct: number;
  byType: Partial<Record<IntegrationType, number>>;
  totalLogEntries: number;
  integrationTypes: typeof integrationTypeLabels;
}

/**
 * A handler of accepted inbound webhooks. Errors it throws are logged, never sent to the sender.
 *
 * @example
 * ```ts
 * const onEvent: InboundEventHandler = async (event) => {
 *   if (!event.test) await tickets.open(event.intId, event.payload);
 * };
 * const unsubscribe = gateway.on('event', onEvent);
 * ```
 */
export type InboundEventHandler = (event: InboundEvent) => void | Promise<void>;

/** The gateway: everything Portico does, without HTTP. */
export interface Gateway {
  integrations: IntegrationRegistry;
  /** Authenticates, verifies, rate-limits, logs and hands a webhook to the host. Throws a `PorticoError` on refusal. */
  receiveWebhook(request: WebhookRequest): Promise<WebhookAccepted>;
  logs: {
    /** Newest first; includes entries still buffered. */
    query(query?: LogQueryInput): Promise<Page<LogEntry>>;
  };
  /** Totals over every integration; buffered log entries and usage counts are written first. */
  stats(): Promise<GatewayStats>;
  /** Requests of one integration per minute, hour or day (UTC), every bucket of the range present. */
  usage(intId: string, query: UsageQuery): Promise<UsageSeries>;
  /**
   * Sends a notification to an integration's endpoint: written to the outbox first, attempted at
   * once, retried by the dispatcher (see `start`) when it fails. Throws a `PorticoError`:
   * `NOT_FOUND`, `INTEGRATION_DISABLED`, `NO_ENDPOINT`, `RATE_LIMITED`.
   * @param actor who sends it, kept in the log
   */
  send(intId: string, notification: NotificationInput, actor: string): Promise<SendResult>;
  /** GETs an integration's endpoint through the egress policy, as a connectivity check. Throws `NOT_FOUND`. */
  testIntegration(intId: string): Promise<EndpointTestResult>;
  /** The outbox: every notification and its attempts. */
  deliveries: Deliveries;
  /**
   * Writes a call made on an integration's behalf (e.g. by a connector) to the integration log,
   * masked, and counts it in that integration's usage: `OK` as a success, `ERROR` as an error.
   */
  recordCall(record: LogRecord): void;
  /** Subscribes to accepted webhooks; returns the unsubscribe function. */
  on(type: 'event', handler: InboundEventHandler): () => void;
  /** Where operators' messages go (the `logger` option): an HTTP handler over this gateway reports there too. */
  readonly logger: Logger;
  /** Writes buffered log entries and usage counts. */
  flush(): Promise<void>;
  /**
   * Starts the dispatcher, which retries due notifications until `stop()`, and applies log and
   * usage retention even while no traffic arrives (otherwise it runs after each written batch).
   */
  start(): void;
  /**
   * Stops the dispatcher, waits for attempts in flight, then flushes buffered writes. A storage
   * passed in options stays open: its owner closes it.
   */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;
/* Retention runs after a batch is written; while started, an idle gateway is checked this often too. */
const IDLE_RETENTION_CHECK_MS = 60_000;
const outcomeOf = { OK: 'success', ERROR: 'error', RATE_LIMITED: 'rate_limited' } as const;

/**
 * Creates a gateway. With no options it runs entirely in memory, which suits tests and trials;
 * production passes a durable `storage` and a `keyRing` it keeps.
 *
 * @example
 * ```ts
 * import { createGateway } from '@portico/core';
 *
 * const gateway = createGateway({ keyRing });
 * const { integration, apiKey } = await gateway.integrations.create(
 *   { name: 'Zabbix', type: 'MONITORING', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
 *   'admin',
 * );
 * gateway.on('event', (event) => console.log(event.intId, event.event, event.payload));
 *
 * const alerts = await gateway.integrations.create(
 *   { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: 'https://alerts.corp.example/hooks/portico' },
 *   'admin',
 * );
 * gateway.start(); // retries failed notifications until gateway.stop()
 * await gateway.send(alerts.integration.id, { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'admin');
 * ```
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const ownsStorage = options.storage === undefined;
  const storage = options.storage ?? memoryStorage();
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const logger = options.logger ?? consoleLogger;
  const rateLimiter = options.rateLimiter ?? memoryRateLimiter({ clock });
  const keyRing = options.keyRing ?? generateKeyRing();
  if (options.keyRing) assertKeyRing(options.keyRing);
  else logger.warn('No keyRing given: secrets are sealed with a key that dies with this process.');
  const log = createLogWriter({ storage, clock, ids, logger }, options.logs);
  const usage = createUsageRecorder({ storage, clock, logger }, options.usage);
  const handlers = new Set<InboundEventHandler>();

  function emit(event: InboundEvent) {
    for (const handler of handlers) {
      try {
        const result = handler(event);
        if (result instanceof Promise) result.catch((error) => logger.error('An event handler failed', { error, eventId: event.id }));
      } catch (error) {
        logger.error('An event handler failed', { error, eventId: event.id });
      }
    }
  }

  async function flush() {
    await Promise.all([log.flush(), usage.flush()]);
  }

  const services: GatewayServices = { storage, rateLimiter, clock, ids, keyRing, openSealed: cachedOpener(keyRing), log, usage, logger };
  const integrations = createIntegrationRegistry({ ...services, keyGracePeriodMs: options.keyGracePeriodMs ?? DAY_MS });
  const outbound = createOutbound(services, { egress: options.egress, delivery: options.delivery, source: options.source });

  let retentionTimer: NodeJS.Timeout | undefined;
  const gateway: Gateway = {
    integrations,
    logger,
    receiveWebhook: createWebhookReceiver({ ...services, toleranceSeconds: options.webhookToleranceSeconds ?? 300, emit }),
    logs: {
      async query(rawQuery = {}) {
        const query = parseInput(logQuerySchema, rawQuery, 'log query');
        await log.flush();
        return storage.logs.query(query);
      },
    },
    async stats() {
      await flush();
      const [counts, totals, totalLogEntries] = await Promise.all([
        storage.integrations.counts(),
        storage.usage.summary(),
        storage.logs.count(),
      ]);
      const disabled = counts.byStatus.INACTIVE ?? 0;
      const totalRequests = totals.success + totals.error;
      return {
        totalIntegrations: counts.total,
        enabled: counts.total - disabled,
        disabled,
        byStatus: counts.byStatus,
        totalRequests,
        totalErrors: totals.error,
        totalRateLimited: totals.rateLimited,
        successRatePct: totalRequests === 0 ? 100 : Math.round((totals.success / totalRequests) * 1000) / 10,
        byType: counts.byType,
        totalLogEntries,
        integrationTypes: integrationTypeLabels,
      };
    },
    async usage(intId, rawQuery) {
      const query = parseInput(usageQuerySchema, rawQuery, 'usage query');
      await integrations.get(intId);
      return usageSeries(storage, intId, query);
    },
    send: outbound.send,
    testIntegration: outbound.testEndpoint,
    deliveries: outbound.deliveries,
    recordCall(record) {
      log.write(record);
      usage.record(record.intId, outcomeOf[record.status], clock.now());
    },
    on(type, handler) {
      if (type !== 'event') throw new TypeError(`Unknown event type '${String(type)}'`);
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    flush,
    start() {
      outbound.dispatcher.start();
      retentionTimer ??= setInterval(() => {
        flush().catch((error: unknown) => logger.error('Retention while idle failed', { error }));
      }, IDLE_RETENTION_CHECK_MS).unref();
    },
    async stop() {
      clearInterval(retentionTimer);
      retentionTimer = undefined;
      await outbound.close();
      await flush();
      if (ownsStorage) await storage.close();
    },
  };
  attachDispatcher(gateway, outbound.dispatcher);
  return gateway;
}

import { cachedOpener } from './crypto/cached-opener';
import type { GatewayServices } from './services';
import { systemClock, type Clock } from './clock';
import { assertKeyRing, generateKeyRing, type KeyRing } from './crypto/key-ring';
import type { Deliveries } from './delivery/deliveries';
import type { DeliveryOptions } from './delivery/delivery-options';
import type { EndpointTestResult } from './delivery/endpoint-test';
import type { NotificationInput } from './delivery/notification';
import { createOutbound, type EgressOptions } from './delivery/outbound';
import type { SendResult } from './delivery/send-notification';
import { gatewayOptionsSchema, stopOptionsSchema } from './gateway-options';
import { randomIds, type IdGenerator } from './ids';
import { createEvents, type Events } from './inbound/events';
import { createHandoff, type WebhookHandler } from './inbound/handoff';
import { resolveHandoffOptions, type HandoffOptions } from './inbound/handoff-options';
import type { WebhookAccepted, WebhookRequest } from './inbound/inbound-event';
import { createWebhookReceiver } from './inbound/receive-webhook';
import { attachDispatchers, DEFAULT_STOP_TIMEOUT_MS } from './queue/dispatcher';
import { consoleLogger, type Logger } from './logger';
import { createLogWriter, type LogOptions, type LogRecord } from './logs/log-writer';
import { integrationTypeLabels, type IntegrationStatus, type IntegrationType } from './model';
import { memoryRateLimiter } from './rate-limit/memory-rate-limiter';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { createIntegrationRegistry, type IntegrationRegistry } from './registry/integration-registry';
import { logQuerySchema, usageQuerySchema, usageRange, type LogQueryInput, type UsageQuery } from './schemas/inputs';
import { checkOptions } from './schemas/options';
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
  /** Timeouts, retries, leases and retention of the hand-off of accepted webhooks to the host's handler. */
  handoff?: HandoffOptions;
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

/** Options of `gateway.stop()`. */
export interface StopOptions {
  /**
   * Longest wait for hand-offs and delivery attempts in flight; those still running then keep
   * their leases until they lapse, and another instance or the next start takes them. Default 10 000.
   */
  timeoutMs?: number;
}

/** The gateway: everything Portico does, without HTTP. */
export interface Gateway {
  integrations: IntegrationRegistry;
  /**
   * Authenticates, verifies and rate-limits a webhook, then commits it to the inbox with its log
   * entry and usage count: once it resolves, the webhook survives a crash (on a durable store)
   * and reaches the handler at least once. Throws a `PorticoError` on refusal.
   */
  receiveWebhook(request: WebhookRequest): Promise<WebhookAccepted>;
  /**
   * Registers the handler of accepted webhooks, called from the inbox at least once per event:
   * at once after acceptance when a slot is free, else (and for retries) by the dispatcher that
   * `start()` runs. One handler per gateway; returns the function that unregisters it. Events
   * accepted while none is registered wait in the inbox, listed by `events`, for at most
   * `handoff.retentionMs`.
   */
  onWebhook(handler: WebhookHandler): () => void;
  /** The inbox: accepted webhooks and their hand-offs to the handler. */
  events: Events;
  logs: {
    /** Newest first; includes entries still buffered. */
    query(query?: LogQueryInput): Promise<Page<LogEntry>>;
  };
  /** Totals over every integration; buffered log entries and usage counts are written first. */
  stats(): Promise<GatewayStats>;
  /**
   * Requests of one integration per minute, hour or day (UTC), every bucket of the range present.
   * Without `toMs` the range ends now; without `fromMs` it starts 24 hours before its end.
   */
  usage(intId: string, query?: UsageQuery): Promise<UsageSeries>;
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
  /** Where operators' messages go (the `logger` option): an HTTP handler over this gateway reports there too. */
  readonly logger: Logger;
  /** Writes buffered log entries and usage counts. */
  flush(): Promise<void>;
  /**
   * Starts the dispatchers, which hand due events to the handler and retry due notifications
   * until `stop()`, and applies log and usage retention even while no traffic arrives (otherwise
   * it runs after each written batch).
   */
  start(): void;
  /**
   * Stops the dispatchers, waits for hand-offs and attempts in flight (at most
   * `options.timeoutMs`), then flushes buffered writes. A storage passed in options stays open:
   * its owner closes it.
   */
  stop(options?: StopOptions): Promise<void>;
}

const DAY_MS = 86_400_000;
/* Retention runs after a batch is written; while started, an idle gateway is checked this often too. */
const IDLE_RETENTION_CHECK_MS = 60_000;
const outcomeOf = { OK: 'success', ERROR: 'error', RATE_LIMITED: 'rate_limited' } as const;

/**
 * Creates a gateway. With no options it runs entirely in memory, which suits tests and trials;
 * production passes a durable `storage` and a `keyRing` it keeps.
 *
 * @throws TypeError naming an unknown or mistyped option (with the option it is another spelling
 * of), or a malformed `keyRing`; RangeError for an option out of its range.
 * @example
 * ```ts
 * import { createGateway } from '@portico/core';
 *
 * const gateway = createGateway({ keyRing });
 * const { integration, apiKey } = await gateway.integrations.create(
 *   { name: 'Zabbix', type: 'MONITORING', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
 *   'admin',
 * );
 * gateway.onWebhook(async (event) => console.log(event.intId, event.event, event.payload));
 *
 * const alerts = await gateway.integrations.create(
 *   { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: 'https://alerts.corp.example/hooks/portico' },
 *   'admin',
 * );
 * gateway.start(); // retries hand-offs and notifications until gateway.stop()
 * await gateway.send(alerts.integration.id, { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'admin');
 * ```
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  checkOptions(gatewayOptionsSchema, options, 'createGateway options');
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
  const handoffOptions = resolveHandoffOptions(options.handoff);

  async function flush() {
    await Promise.all([log.flush(), usage.flush()]);
  }

  const services: GatewayServices = { storage, rateLimiter, clock, ids, keyRing, openSealed: cachedOpener(keyRing), log, usage, logger };
  const integrations = createIntegrationRegistry({ ...services, keyGracePeriodMs: options.keyGracePeriodMs ?? DAY_MS });
  const outbound = createOutbound(services, { egress: options.egress, delivery: options.delivery, source: options.source });
  const handoff = createHandoff({ storage, clock, keyRing, log, logger, options: handoffOptions });

  let retentionTimer: NodeJS.Timeout | undefined;
  const gateway: Gateway = {
    integrations,
    logger,
    receiveWebhook: createWebhookReceiver({
      ...services,
      toleranceSeconds: options.webhookToleranceSeconds ?? 300,
      handoff,
      leaseMs: handoffOptions.leaseMs,
    }),
    onWebhook: handoff.setHandler,
    events: createEvents({ storage, clock, keyRing, log, dispatcher: handoff.dispatcher }),
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
    async usage(intId, rawQuery = {}) {
      const query = usageRange(parseInput(usageQuerySchema, rawQuery, 'usage query'), clock.now());
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
    flush,
    start() {
      handoff.dispatcher.start();
      outbound.dispatcher.start();
      retentionTimer ??= setInterval(() => {
        flush().catch((error: unknown) => logger.error('Retention while idle failed', { error }));
      }, IDLE_RETENTION_CHECK_MS).unref();
    },
    async stop(stopOptions = {}) {
      checkOptions(stopOptionsSchema, stopOptions, 'stop options');
      clearInterval(retentionTimer);
      retentionTimer = undefined;
      const timeoutMs = stopOptions.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
      await Promise.all([handoff.dispatcher.stop(timeoutMs), outbound.close(timeoutMs)]);
      await flush();
      if (ownsStorage) await storage.close();
    },
  };
  attachDispatchers(gateway, { outbox: outbound.dispatcher, inbox: handoff.dispatcher });
  return gateway;
}

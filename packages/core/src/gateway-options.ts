import { z } from 'zod';
import type { DeliveryOptions } from './delivery/delivery-options';
import type { EgressOptions } from './delivery/outbound';
import type { EgressLookup } from './egress/guarded-connector';
import type { EgressPolicy } from './egress/egress-policy';
import type { GatewayOptions, StopOptions } from './gateway';
import type { IdGenerator } from './ids';
import type { HandoffOptions } from './inbound/handoff-options';
import type { LogOptions } from './logs/log-writer';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { clockOption, functionOption, instanceOption, loggerOption, numberOption } from './schemas/options';
import type { Storage } from './storage/storage';
import type { UsageOptions } from './usage/usage-recorder';

// Types only: ranges and defaults are the business of the code that applies each option (a
// RangeError there). Each shape `satisfies` its options interface, so an option added to one
// and not the other fails the type check instead of being refused at run time.
const number = numberOption.optional();
const schedule = z.array(numberOption).readonly().optional();

const logsShape = {
  batchSize: number,
  flushIntervalMs: number,
  maxBufferedEntries: number,
  retentionMs: number,
  maxEntries: number,
  pruneIntervalMs: number,
} satisfies Record<keyof LogOptions, z.ZodType>;

const usageShape = {
  flushIntervalMs: number,
  minuteRetentionMs: number,
  hourRetentionMs: number,
  pruneIntervalMs: number,
  maxBufferedRows: number,
} satisfies Record<keyof UsageOptions, z.ZodType>;

const pem = z.union([z.string(), z.instanceof(Uint8Array)]);
const egressShape = {
  policy: instanceOption<EgressPolicy>('EgressPolicy (see createEgressPolicy())', { rules: 'object' }).optional(),
  lookup: functionOption<EgressLookup>().optional(),
  tls: z.strictObject({ ca: z.union([pem, z.array(pem).readonly()]).optional() }).optional(),
} satisfies Record<keyof EgressOptions, z.ZodType>;

const handoffShape = {
  retryScheduleMs: schedule,
  timeoutMs: number,
  pollIntervalMs: number,
  leaseMs: number,
  concurrency: number,
  retentionMs: number,
} satisfies Record<keyof HandoffOptions, z.ZodType>;

// The outbox takes what the inbox does, plus when to flag an integration failing.
const deliveryShape = { ...handoffShape, failingAfter: number } satisfies Record<keyof DeliveryOptions, z.ZodType>;

// Its contents (key ids, 32-byte keys, a current id among them) are `assertKeyRing`'s to check.
const keyRingOption = z.strictObject(
  { currentKeyId: z.string(), keys: z.record(z.string(), z.instanceof(Uint8Array)) },
  { error: 'Must be a KeyRing { currentKeyId, keys } (see keyRingFromBase64() and generateKeyRing())' },
);

/**
 * The shape of {@link GatewayOptions}, checked by `createGateway` before anything is built.
 *
 * @example
 * ```ts
 * checkOptions(gatewayOptionsSchema, { logs: { batchsize: 10 } }, 'createGateway options');
 * // TypeError: Invalid createGateway options: Unknown option 'logs.batchsize'; did you mean 'logs.batchSize'?
 * ```
 */
export const gatewayOptionsSchema = z.strictObject({
  storage: instanceOption<Storage>('Storage', {
    integrations: 'object',
    logs: 'object',
    usage: 'object',
    replay: 'object',
    outbox: 'object',
    inbox: 'object',
    close: 'function',
  }).optional(),
  rateLimiter: instanceOption<RateLimiter>('RateLimiter', { consume: 'function' }).optional(),
  keyRing: keyRingOption.optional(),
  clock: clockOption.optional(),
  ids: instanceOption<IdGenerator>('IdGenerator', {
    integrationId: 'function',
    logId: 'function',
    deliveryId: 'function',
    eventId: 'function',
  }).optional(),
  logger: loggerOption.optional(),
  keyGracePeriodMs: number,
  webhookToleranceSeconds: number,
  logs: z.strictObject(logsShape).optional(),
  usage: z.strictObject(usageShape).optional(),
  egress: z.strictObject(egressShape).optional(),
  delivery: z.strictObject(deliveryShape).optional(),
  handoff: z.strictObject(handoffShape).optional(),
  source: z.string().optional(),
} satisfies Record<keyof GatewayOptions, z.ZodType>);

/**
 * The options of `gateway.stop()`, checked as those of `createGateway` are.
 *
 * @example
 * ```ts
 * checkOptions(stopOptionsSchema, { timeoutMs: 5_000 }, 'stop options');
 * ```
 */
export const stopOptionsSchema = z.strictObject({ timeoutMs: number } satisfies Record<keyof StopOptions, z.ZodType>);

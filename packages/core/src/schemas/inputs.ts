import { z } from 'zod';
import { PorticoError } from '../errors';
import { isValidWebhookSecret } from '../inbound/signatures/secret';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '../model';
import {
  descriptionSchema,
  endpointUrlSchema,
  headersSchema,
  integrationStatusSchema,
  integrationTypeSchema,
  logDirectionSchema,
  logStatusSchema,
  nameSchema,
  rateLimitSchema,
  secretSchema,
  signatureSchemeSchema,
} from './fields';

const statusMatchesEnabled = (input: { status?: string | undefined; enabled?: boolean | undefined }) =>
  input.status === undefined || input.enabled === undefined || (input.status !== 'INACTIVE') === input.enabled;
const statusConflict = { message: '`enabled` contradicts `status`', path: ['enabled'] };

/**
 * What `gateway.integrations.create` takes. `enabled` is the original's switch and maps to
 * `status` (`false` → `INACTIVE`); give one or the other.
 *
 * @example
 * ```ts
 * const input = integrationInputSchema.parse({ name: 'Zabbix', type: 'MONITORING' });
 * input.rateLimit; // 60
 * ```
 */
export const integrationInputSchema = z
  .strictObject({
    name: nameSchema,
    type: integrationTypeSchema,
    description: descriptionSchema.default(''),
    endpointUrl: endpointUrlSchema.nullish(),
    /** Signing secret for inbound webhooks; shown never again. */
    secret: secretSchema.optional(),
    /** Defaults from the secret: `whsec_…` → `standard`, anything else → `legacy`. */
    signatureScheme: signatureSchemeSchema.optional(),
    headers: headersSchema.default({}),
    status: integrationStatusSchema.optional(),
    enabled: z.boolean().optional(),
    /** Requests per minute. */
    rateLimit: rateLimitSchema.default(DEFAULT_RATE_LIMIT_PER_MINUTE),
  })
  .refine(statusMatchesEnabled, statusConflict)
  .refine(
    ({ secret, signatureScheme }) =>
      secret === undefined ||
      isValidWebhookSecret(signatureScheme ?? (secret.startsWith('whsec_') ? 'standard' : 'legacy'), secret),
    { message: 'A Standard Webhooks secret is `whsec_` followed by base64', path: ['secret'] },
  );

/** Input of `gateway.integrations.create`, before defaults apply. */
export type IntegrationInput = z.input<typeof integrationInputSchema>;

/**
 * A field an update refuses whatever its value: the signing secret and its scheme change only
 * through their own call, which keeps the replaced secret verifying for a grace period.
 *
 * @example
 * ```ts
 * z.object({ secret: rotatedOnlySchema }).safeParse({ secret: 'whsec_…' }).success; // false
 * ```
 */
export const rotatedOnlySchema = z
  .never({ error: 'Not changed by an update: use POST /integrations/{int_id}/rotate-secret (gateway.integrations.rotateSecret)' })
  .optional()
  .describe('Refused: the signing secret and its scheme change through `POST /integrations/{int_id}/rotate-secret`.');

/**
 * What `gateway.integrations.update` takes: every field optional; `endpointUrl: null` clears the
 * endpoint; `headers` replaces the whole set; `secret` and `signatureScheme` are refused (see
 * {@link rotatedOnlySchema}).
 *
 * @example
 * ```ts
 * integrationUpdateSchema.parse({ enabled: false });
 * ```
 */
export const integrationUpdateSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    endpointUrl: endpointUrlSchema.nullable().optional(),
    headers: headersSchema.optional(),
    status: integrationStatusSchema.optional(),
    enabled: z.boolean().optional(),
    rateLimit: rateLimitSchema.optional(),
    secret: rotatedOnlySchema,
    signatureScheme: rotatedOnlySchema,
  })
  .refine(statusMatchesEnabled, statusConflict);

/** Input of `gateway.integrations.update`. */
export type IntegrationUpdate = z.input<typeof integrationUpdateSchema>;

/**
 * Filters of `gateway.integrations.list`.
 *
 * @example
 * ```ts
 * integrationListQuerySchema.parse({ type: 'TICKETING', limit: 20 });
 * ```
 */
export const integrationListQuerySchema = z.strictObject({
  type: integrationTypeSchema.optional(),
  status: integrationStatusSchema.optional(),
  enabledOnly: z.boolean().default(false),
  cursor: z.string().max(512).optional(),
  limit: z.int().min(1).max(500).default(100),
});

/** Input of `gateway.integrations.list`. */
export type IntegrationListQuery = z.input<typeof integrationListQuerySchema>;

/**
 * Filters of `gateway.logs.query`; times are epoch milliseconds, `until` exclusive.
 *
 * @example
 * ```ts
 * logQuerySchema.parse({ intId: 'GW-1A2B3C4D', status: 'ERROR', limit: 100 });
 * ```
 */
export const logQuerySchema = z.strictObject({
  intId: z.string().max(64).optional(),
  direction: logDirectionSchema.optional(),
  status: logStatusSchema.optional(),
  sinceMs: z.number().int().optional(),
  untilMs: z.number().int().optional(),
  cursor: z.string().max(512).optional(),
  limit: z.int().min(1).max(500).default(50),
});

/** Input of `gateway.logs.query`. */
export type LogQueryInput = z.input<typeof logQuerySchema>;

/**
 * The range a usage query covers when it names neither end: the last 24 hours.
 *
 * @example
 * ```ts
 * await gateway.usage(intId); // from now - DEFAULT_USAGE_RANGE_MS to now, by the hour
 * ```
 */
export const DEFAULT_USAGE_RANGE_MS = 86_400_000;

/**
 * A usage series request: `[fromMs, toMs)` in epoch milliseconds, in buckets of a minute, an
 * hour or a day (UTC). `toMs` defaults to now, `fromMs` to 24 hours before `toMs` (see
 * {@link usageRange}).
 *
 * @example
 * ```ts
 * usageQuerySchema.parse({ fromMs: Date.now() - 3_600_000, bucket: 'minute' });
 * ```
 */
export const usageQuerySchema = z
  .strictObject({
    fromMs: z.number().int().optional(),
    toMs: z.number().int().optional(),
    bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
  })
  .refine((query) => query.fromMs === undefined || query.toMs === undefined || query.fromMs < query.toMs, {
    message: '`fromMs` must be before `toMs`',
    path: ['toMs'],
  });

/** Input of `gateway.usage`. */
export type UsageQuery = z.input<typeof usageQuerySchema>;

/**
 * The range of a checked usage query with its defaults applied: `toMs` is `nowMs` when not
 * given, `fromMs` 24 hours before `toMs`.
 *
 * @throws PorticoError `VALIDATION_FAILED` when a `fromMs` given alone is not before now.
 * @example
 * ```ts
 * usageRange(usageQuerySchema.parse({}), Date.UTC(2026, 11, 2)); // { fromMs: Date.UTC(2026, 11, 1), toMs: Date.UTC(2026, 11, 2), bucket: 'hour' }
 * ```
 */
export function usageRange(query: z.output<typeof usageQuerySchema>, nowMs: number): Required<z.output<typeof usageQuerySchema>> {
  const toMs = query.toMs ?? nowMs;
  const fromMs = query.fromMs ?? toMs - DEFAULT_USAGE_RANGE_MS;
  if (fromMs >= toMs) {
    throw new PorticoError('VALIDATION_FAILED', 'Invalid usage query: fromMs: Must be before now when `toMs` is not given', {
      fields: [{ path: 'fromMs', message: 'Must be before now when `toMs` is not given' }],
    });
  }
  return { fromMs, toMs, bucket: query.bucket };
}

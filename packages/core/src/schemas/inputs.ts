import { z } from 'zod';
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
  .object({
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
 * What `gateway.integrations.update` takes: every field optional; `endpointUrl: null` clears the
 * endpoint; `headers` replaces the whole set.
 *
 * @example
 * ```ts
 * integrationUpdateSchema.parse({ enabled: false });
 * ```
 */
export const integrationUpdateSchema = z
  .object({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    endpointUrl: endpointUrlSchema.nullable().optional(),
    headers: headersSchema.optional(),
    status: integrationStatusSchema.optional(),
    enabled: z.boolean().optional(),
    rateLimit: rateLimitSchema.optional(),
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
export const integrationListQuerySchema = z.object({
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
export const logQuerySchema = z.object({
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
 * A usage series request: `[fromMs, toMs)` in buckets of a minute, an hour or a day (UTC).
 *
 * @example
 * ```ts
 * usageQuerySchema.parse({ fromMs: Date.now() - 3_600_000, toMs: Date.now(), bucket: 'minute' });
 * ```
 */
export const usageQuerySchema = z
  .object({
    fromMs: z.number().int(),
    toMs: z.number().int(),
    bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
  })
  .refine((query) => query.fromMs < query.toMs, { message: '`fromMs` must be before `toMs`', path: ['toMs'] });

/** Input of `gateway.usage`. */
export type UsageQuery = z.input<typeof usageQuerySchema>;

import { z } from 'zod';
import { deliveryStatuses } from '../delivery/deliveries';
import { notificationInputSchema } from '../delivery/notification';
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
} from '../schemas/fields';
import { rotatedOnlySchema } from '../schemas/inputs';

// Wire names are snake_case, as the original router's, so its clients keep working.

/**
 * A time on the wire: ISO 8601 with an offset.
 *
 * @example
 * ```ts
 * isoTime.parse('2026-12-02T16:00:00.000Z');
 * ```
 */
export const isoTime = z.iso.datetime({ offset: true });

/**
 * Body of `POST /integrations`.
 *
 * @example
 * ```ts
 * integrationCreateBodySchema.parse({ name: 'Zabbix', type: 'MONITORING', rate_limit: 120 });
 * ```
 */
export const integrationCreateBodySchema = z
  .strictObject({
    name: nameSchema,
    type: integrationTypeSchema,
    description: descriptionSchema.optional(),
    endpoint_url: endpointUrlSchema.nullish(),
    secret: secretSchema.optional().describe('Signing secret for inbound webhooks: `whsec_…` (Standard Webhooks) or any text of 16+ characters.'),
    signature_scheme: signatureSchemeSchema.optional().describe('Defaults from the secret: `whsec_…` → `standard`, anything else → `legacy`.'),
    headers: headersSchema.optional().describe('Custom headers sent with outbound notifications; sealed at rest, masked when shown.'),
    status: integrationStatusSchema.optional(),
    enabled: z.boolean().optional().describe('The original switch: `false` means status `INACTIVE`.'),
    rate_limit: rateLimitSchema.optional().describe('Requests per minute; default 60.'),
  })
  .meta({ id: 'IntegrationCreate' });

/**
 * Body of `PUT /integrations/{int_id}`: a partial update.
 *
 * @example
 * ```ts
 * integrationUpdateBodySchema.parse({ enabled: false });
 * ```
 */
export const integrationUpdateBodySchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    endpoint_url: endpointUrlSchema.nullable().optional(),
    headers: headersSchema.optional(),
    status: integrationStatusSchema.optional(),
    enabled: z.boolean().optional(),
    rate_limit: rateLimitSchema.optional(),
    secret: rotatedOnlySchema,
    signature_scheme: rotatedOnlySchema,
  })
  .meta({ id: 'IntegrationUpdate' });

/**
 * An integration on the wire. Never carries the key hash or the secret.
 *
 * @example
 * ```ts
 * integrationWireSchema.shape.int_id; // GW- and 8 hex digits
 * ```
 */
export const integrationWireSchema = z
  .object({
    int_id: z.string().describe('`GW-` followed by 8 upper-case hex digits.'),
    name: z.string(),
    type: integrationTypeSchema,
    type_label: z.string(),
    description: z.string(),
    endpoint_url: z.string().nullable(),
    headers: z.record(z.string(), z.string()).describe('Sensitive values are shown as `***`.'),
    status: integrationStatusSchema,
    enabled: z.boolean().describe('True unless the status is `INACTIVE`.'),
    rate_limit: z.int().describe('Requests per minute.'),
    created_by: z.string(),
    created_at: isoTime,
    updated_by: z.string().nullable(),
    updated_at: isoTime.nullable(),
    stats: z.object({
      total_requests: z.int(),
      success_requests: z.int(),
      error_requests: z.int(),
      rate_limited_requests: z.int(),
      last_request_at: isoTime.nullable(),
    }),
    api_key_prefix: z.string().describe('The start of the current API key, to recognise it.'),
    has_secret: z.boolean(),
    signature_scheme: signatureSchemeSchema.nullable(),
    previous_secret_expires_at: isoTime.nullable().describe('Until when webhooks signed with the secret replaced by the last rotation are still accepted; null when none is.'),
    failing: z.boolean().describe('Outbound deliveries keep failing.'),
  })
  .meta({ id: 'Integration' });

/**
 * Answer of `POST /integrations`: the integration and its API key, shown once.
 *
 * @example
 * ```ts
 * integrationCreatedWireSchema.shape.api_key;
 * ```
 */
export const integrationCreatedWireSchema = integrationWireSchema
  .extend({
    api_key: z.string().describe('Shown only in this answer: store it now.'),
    secret: z.string().optional().describe('The signing secret Portico generated, when a scheme was asked for without one. Shown once.'),
    warning: z.string(),
  })
  .meta({ id: 'IntegrationCreated' });

/**
 * Answer of `GET /integrations`.
 *
 * @example
 * ```ts
 * integrationListWireSchema.parse({ total: 0, integrations: [], next_cursor: null });
 * ```
 */
export const integrationListWireSchema = z
  .object({
    total: z.int(),
    integrations: z.array(integrationWireSchema),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.'),
  })
  .meta({ id: 'IntegrationList' });

/**
 * Answer of `POST /integrations/{int_id}/rotate-key`.
 *
 * @example
 * ```ts
 * keyRotatedWireSchema.shape.previous_key_expires_at;
 * ```
 */
export const keyRotatedWireSchema = z
  .object({
    int_id: z.string(),
    api_key: z.string().describe('Shown only in this answer.'),
    api_key_prefix: z.string(),
    previous_key_expires_at: isoTime.nullable().describe('Until when the previous key still works; null when revoked at once.'),
    warning: z.string(),
  })
  .meta({ id: 'KeyRotated' });

/**
 * A plain confirmation, as the original's delete answer.
 *
 * @example
 * ```ts
 * messageWireSchema.parse({ message: "Integration 'GW-1A2B3C4D' deleted." });
 * ```
 */
export const messageWireSchema = z.object({ message: z.string() }).meta({ id: 'Message' });

/**
 * Answer of `POST /webhook/{key}`.
 *
 * @example
 * ```ts
 * webhookAcceptedWireSchema.parse({ accepted: true, event: 'ALERT', int_id: 'GW-1A2B3C4D', event_id: 'evt_1' });
 * ```
 */
export const webhookAcceptedWireSchema = z
  .object({
    accepted: z.literal(true),
    event: z.string().describe('The payload\'s `event` field, or `UNKNOWN`.'),
    int_id: z.string(),
    event_id: z.string().describe('Portico\'s id of the event (`evt_…`): the host\'s handler gets it with the event, and `GET /events/{event_id}` shows it.'),
  })
  .meta({ id: 'WebhookAccepted' });

/**
 * One integration log entry on the wire.
 *
 * @example
 * ```ts
 * logEntryWireSchema.shape.payload; // masked
 * ```
 */
export const logEntryWireSchema = z
  .object({
    log_id: z.string(),
    int_id: z.string(),
    direction: logDirectionSchema,
    event: z.string(),
    status: logStatusSchema,
    payload: z.unknown().describe('Masked: secrets by key name and by value pattern.'),
    error: z.string(),
    logged_at: isoTime,
  })
  .meta({ id: 'LogEntry' });

/**
 * Answer of `GET /logs`.
 *
 * @example
 * ```ts
 * logListWireSchema.parse({ total: 0, logs: [], next_cursor: null });
 * ```
 */
export const logListWireSchema = z
  .object({
    total: z.int().describe('Entries matching the filters, over all pages.'),
    logs: z.array(logEntryWireSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'LogList' });

// A plain date is what a person types for "since the first": it means 00:00 UTC that day.
const usageInstant = z.union([z.iso.date(), isoTime]);

/**
 * Query of `GET /integrations/{int_id}/usage`: `[from, to)`, by default the last 24 hours.
 *
 * @example
 * ```ts
 * usageQueryWireSchema.parse({ from: '2026-12-01', to: '2026-12-02T12:00:00Z', bucket: 'hour' });
 * ```
 */
export const usageQueryWireSchema = z
  .strictObject({
    from: usageInstant.optional().describe('Start, included. Default: 24 hours before `to`. ISO 8601 with an offset, or a plain date (00:00 UTC).'),
    to: usageInstant.optional().describe('End, excluded. Default: now. ISO 8601 with an offset, or a plain date (00:00 UTC).'),
    bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
  })
  .refine((query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to), {
    message: '`from` must be before `to`',
    path: ['to'],
  });

/**
 * Answer of `GET /integrations/{int_id}/usage`.
 *
 * @example
 * ```ts
 * usageWireSchema.shape.points;
 * ```
 */
export const usageWireSchema = z
  .object({
    int_id: z.string(),
    bucket: z.enum(['minute', 'hour', 'day']),
    points: z.array(
      z.object({
        start: isoTime,
        total: z.int().describe('Successful plus failed requests.'),
        success: z.int(),
        error: z.int(),
        rate_limited: z.int(),
      }),
    ),
  })
  .meta({ id: 'Usage' });

const countsByType = z.record(z.string(), z.int());

/**
 * Answer of `GET /stats`: the original's fields plus status counts and rate-limited totals.
 *
 * @example
 * ```ts
 * statsWireSchema.shape.success_rate_pct;
 * ```
 */
export const statsWireSchema = z
  .object({
    total_integrations: z.int(),
    enabled: z.int(),
    disabled: z.int(),
    by_status: countsByType,
    total_requests: z.int(),
    total_errors: z.int(),
    total_rate_limited: z.int(),
    success_rate_pct: z.number(),
    by_type: countsByType,
    total_log_entries: z.int(),
    integration_types: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Stats' });

/**
 * Query of `GET /integrations`.
 *
 * @example
 * ```ts
 * integrationListQueryWireSchema.parse({ type_filter: 'TICKETING', enabled_only: 'true' });
 * ```
 */
export const integrationListQueryWireSchema = z.strictObject({
  type_filter: integrationTypeSchema.optional(),
  enabled_only: z.stringbool().optional(),
  status: integrationStatusSchema.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/**
 * Query of `GET /logs`.
 *
 * @example
 * ```ts
 * logQueryWireSchema.parse({ int_id: 'GW-1A2B3C4D', limit: '100' });
 * ```
 */
export const logQueryWireSchema = z.strictObject({
  int_id: z.string().max(64).optional(),
  direction: logDirectionSchema.optional(),
  status: logStatusSchema.optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/**
 * Body of `POST /send/{int_id}`: the original router's `OutboundPayload`.
 *
 * @example
 * ```ts
 * notificationBodySchema.parse({ event: 'TICKET_CREATED', message: 'SR-1042 opened', data: { sr_id: 'SR-1042' } });
 * ```
 */
export const notificationBodySchema = notificationInputSchema.meta({ id: 'Notification' });

/**
 * Answer of `POST /send/{int_id}`: the outcome of the first attempt.
 *
 * @example
 * ```ts
 * sendResultWireSchema.shape.delivery_id;
 * ```
 */
export const sendResultWireSchema = z
  .object({
    sent: z.boolean().describe('The receiver took it on this first attempt (2xx).'),
    status_code: z.int().nullable().describe("The receiver's HTTP status; null when no answer came."),
    int_id: z.string(),
    delivery_id: z.string().describe('The outbox id, sent as `webhook-id`: the same on every retry.'),
    status: z.enum(deliveryStatuses).describe('`pending` will be retried; `failed` will not.'),
    error: z.string().optional().describe('Why the first attempt failed.'),
  })
  .meta({ id: 'SendResult' });

/**
 * Answer of `POST /integrations/{int_id}/test`, as the original's.
 *
 * @example
 * ```ts
 * endpointTestWireSchema.parse({ status: 'SKIPPED', message: 'The integration has no endpoint_url.' });
 * ```
 */
export const endpointTestWireSchema = z
  .object({
    status: z.enum(['OK', 'ERROR', 'SKIPPED']).describe('`OK` for an answer below 400; `SKIPPED` without an endpoint.'),
    status_code: z.int().optional(),
    elapsed_ms: z.int().optional(),
    url: z.string().optional(),
    message: z.string().optional().describe('Why it was skipped or failed, e.g. `EGRESS_DENIED: …`.'),
  })
  .meta({ id: 'EndpointTest' });

/**
 * One delivery of the outbox, with its attempts.
 *
 * @example
 * ```ts
 * deliveryWireSchema.shape.attempts;
 * ```
 */
export const deliveryWireSchema = z
  .object({
    delivery_id: z.string().describe('Also its `webhook-id`.'),
    int_id: z.string(),
    event: z.string(),
    status: z.enum(deliveryStatuses),
    body: z.unknown().describe('The body sent, masked.'),
    attempts: z.array(
      z
        .object({
          at: isoTime,
          status_code: z.int().nullable().describe('Null when no answer came.'),
          error: z.string().describe('Empty on success.'),
          duration_ms: z.int(),
        })
        .meta({ id: 'DeliveryAttempt' }),
    ),
    next_attempt_at: isoTime.nullable().describe('Null once delivered or failed.'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Delivery' });

/**
 * Answer of `GET /deliveries`.
 *
 * @example
 * ```ts
 * deliveryListWireSchema.parse({ total: 0, deliveries: [], next_cursor: null });
 * ```
 */
export const deliveryListWireSchema = z
  .object({
    total: z.int().describe('Deliveries matching the filters, over all pages.'),
    deliveries: z.array(deliveryWireSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'DeliveryList' });

/**
 * Query of `GET /deliveries`.
 *
 * @example
 * ```ts
 * deliveryQueryWireSchema.parse({ int_id: 'GW-1A2B3C4D', status: 'failed' });
 * ```
 */
export const deliveryQueryWireSchema = z.strictObject({
  int_id: z.string().max(64).optional(),
  status: z.enum(deliveryStatuses).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

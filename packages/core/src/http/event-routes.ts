import { z } from 'zod';
import { inboxStatuses, type InboxEvent, type InboxEventDetail } from '../inbound/events';
import { defineRoute, type Route } from './route';
import { isoTime } from './wire';

const eventIdParams = z.object({ event_id: z.string().min(1).max(256).describe("Portico's id of the event, `evt_…`.") });
const adminErrors = [401, 403] as const;
const tags = ['Inbox'];
const iso = (ms: number) => new Date(ms).toISOString();

const eventWireShape = {
  event_id: z.string().describe('The same on every hand-off: handlers de-duplicate by it.'),
  int_id: z.string(),
  message_id: z.string().nullable().describe("The sender's `webhook-id`, or null."),
  event: z.string(),
  status: z.enum(inboxStatuses).describe('`pending` until the handler took it (or while it waits for a retry), then `delivered` or `failed`.'),
  test: z.boolean().describe('The integration was in `TEST` status.'),
  attempts: z.array(
    z
      .object({ at: isoTime, error: z.string().describe('Empty on success; masked.'), duration_ms: z.int() })
      .meta({ id: 'HandoffAttempt' }),
  ),
  next_attempt_at: isoTime.nullable().describe('Null once delivered or failed.'),
  received_at: isoTime,
  updated_at: isoTime,
};

/**
 * An accepted webhook in a listing.
 *
 * @example
 * ```ts
 * eventWireSchema.shape.attempts;
 * ```
 */
export const eventWireSchema = z.object(eventWireShape).meta({ id: 'InboxEvent' });

/**
 * An accepted webhook with its payload and headers, masked.
 *
 * @example
 * ```ts
 * eventDetailWireSchema.shape.payload;
 * ```
 */
export const eventDetailWireSchema = z
  .object({
    ...eventWireShape,
    payload: z.unknown().describe('The parsed body, masked; `{raw}` when it was not JSON.'),
    headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).describe('As received, masked, without credentials.'),
  })
  .meta({ id: 'InboxEventDetail' });

/**
 * Answer of `GET /events`.
 *
 * @example
 * ```ts
 * eventListWireSchema.parse({ total: 0, events: [], next_cursor: null });
 * ```
 */
export const eventListWireSchema = z
  .object({
    total: z.int().describe('Events matching the filters, over all pages.'),
    events: z.array(eventWireSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'InboxEventList' });

/**
 * Query of `GET /events`; an unknown parameter is refused.
 *
 * @example
 * ```ts
 * eventQueryWireSchema.parse({ int_id: 'GW-1A2B3C4D', status: 'failed' });
 * ```
 */
export const eventQueryWireSchema = z.strictObject({
  int_id: z.string().max(64).optional(),
  status: z.enum(inboxStatuses).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

function eventToWire(event: InboxEvent): z.infer<typeof eventWireSchema> {
  return {
    event_id: event.id,
    int_id: event.intId,
    message_id: event.messageId,
    event: event.event,
    status: event.status,
    test: event.test,
    attempts: event.attempts.map((attempt) => ({ at: iso(attempt.at), error: attempt.error, duration_ms: attempt.durationMs })),
    next_attempt_at: event.nextAttemptAt === null ? null : iso(event.nextAttemptAt),
    received_at: iso(event.receivedAt),
    updated_at: iso(event.updatedAt),
  };
}

const detailToWire = (event: InboxEventDetail): z.infer<typeof eventDetailWireSchema> => ({
  ...eventToWire(event),
  payload: event.payload,
  headers: Object.fromEntries(Object.entries(event.headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)),
});

/**
 * `GET /events`, `GET /events/{event_id}` and `POST /events/{event_id}/retry`: the inbox of
 * accepted webhooks and their hand-offs to the host's handler.
 *
 * @example
 * ```ts
 * const routes = [...otherRoutes, ...eventRoutes];
 * ```
 */
export const eventRoutes: readonly Route[] = [
  defineRoute({
    method: 'GET',
    path: '/events',
    operationId: 'listEvents',
    summary: 'List accepted webhooks',
    description: 'Newest first, with every hand-off attempt; `status=failed` lists the hand-offs that gave up.',
    tags,
    access: 'events:read',
    query: eventQueryWireSchema,
    responses: { 200: { description: 'One page of events.', schema: eventListWireSchema } },
    errors: [400, ...adminErrors],
    async handle({ gateway, query }) {
      const page = await gateway.events.list({ intId: query.int_id, status: query.status, cursor: query.cursor, limit: query.limit });
      return { status: 200, body: { total: page.total, events: page.items.map(eventToWire), next_cursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/events/{event_id}',
    operationId: 'getEvent',
    summary: 'Get an accepted webhook',
    description: 'With its payload and headers, masked.',
    tags,
    access: 'events:read',
    params: eventIdParams,
    responses: { 200: { description: 'The event.', schema: eventDetailWireSchema } },
    errors: [...adminErrors, 404],
    async handle({ gateway, params }) {
      return { status: 200, body: detailToWire(await gateway.events.get(params.event_id)) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/events/{event_id}/retry',
    operationId: 'retryEvent',
    summary: 'Hand a failed event to the handler again',
    description: 'Makes a `failed` event due now, keeping its attempts. 409 `EVENT_NOT_FAILED` when it is pending or delivered.',
    tags,
    access: 'events:write',
    params: eventIdParams,
    responses: { 202: { description: 'Due again.', schema: eventWireSchema } },
    errors: [...adminErrors, 404, 409],
    async handle({ gateway, params, principal }) {
      return { status: 202, body: eventToWire(await gateway.events.retry(params.event_id, principal?.id ?? 'unknown')) };
    },
  }),
];

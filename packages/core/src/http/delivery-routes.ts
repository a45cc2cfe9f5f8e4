import { z } from 'zod';
import { defineRoute, type Route } from './route';
import { deliveryToWire, endpointTestToWire, sendResultToWire } from './to-wire';
import {
  deliveryListWireSchema,
  deliveryQueryWireSchema,
  deliveryWireSchema,
  endpointTestWireSchema,
  notificationBodySchema,
  sendResultWireSchema,
} from './wire';

const intIdParams = z.object({ int_id: z.string().min(1).max(64).describe('The integration id, `GW-` and 8 hex digits.') });
const deliveryIdParams = z.object({ delivery_id: z.string().min(1).max(256).describe('The delivery id, also its `webhook-id`.') });
const adminErrors = [401, 403] as const;
const outboundTag = ['Outbound'];

/**
 * `POST /integrations/{int_id}/test`: the original's connectivity check, through the egress policy.
 *
 * @example
 * ```ts
 * const routes = [...integrationRoutes, testIntegrationRoute];
 * ```
 */
export const testIntegrationRoute: Route = defineRoute({
  method: 'POST',
  path: '/integrations/{int_id}/test',
  operationId: 'testIntegration',
  summary: 'Test the outbound endpoint',
  description:
    'GETs the endpoint with the custom headers, through the egress policy, within 5 seconds. `OK` for an answer below 400; ' +
    '`ERROR` otherwise, with `message` when no answer came (e.g. `EGRESS_DENIED: …`); `SKIPPED` without an endpoint.',
  tags: ['Integrations'],
  access: 'integrations:write',
  params: intIdParams,
  responses: { 200: { description: 'The outcome of the ping.', schema: endpointTestWireSchema } },
  errors: [...adminErrors, 404],
  async handle({ gateway, params }) {
    return { status: 200, body: endpointTestToWire(await gateway.testIntegration(params.int_id)) };
  },
});

/**
 * `POST /send/{int_id}`: an outbound notification, signed and retried.
 *
 * @example
 * ```ts
 * const routes = [...webhookRoutes, sendRoute];
 * ```
 */
export const sendRoute: Route = defineRoute({
  method: 'POST',
  path: '/send/{int_id}',
  operationId: 'sendNotification',
  summary: 'Send a notification to an integration',
  description:
    'POSTs `{event, message, severity, data, source, sent_at}` to the endpoint, signed by the integration\'s scheme, with ' +
    'a `webhook-id` that stays the same on every retry. The notification is written to the outbox first and attempted at ' +
    'once; a failed attempt is retried with backoff (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h by default).',
  tags: outboundTag,
  access: 'send',
  params: intIdParams,
  body: notificationBodySchema,
  responses: { 202: { description: 'Queued; the first attempt\'s outcome.', schema: sendResultWireSchema } },
  errors: [400, ...adminErrors, 404, 429],
  async handle({ gateway, params, body, principal }) {
    return { status: 202, body: sendResultToWire(await gateway.send(params.int_id, body, principal?.id ?? 'unknown')) };
  },
});

/**
 * `GET /deliveries`, `GET /deliveries/{delivery_id}` and `POST /deliveries/{delivery_id}/retry`: the outbox.
 *
 * @example
 * ```ts
 * const routes = [...otherRoutes, ...deliveryRoutes];
 * ```
 */
export const deliveryRoutes: readonly Route[] = [
  defineRoute({
    method: 'GET',
    path: '/deliveries',
    operationId: 'listDeliveries',
    summary: 'List outbound deliveries',
    description: 'Newest first, with every attempt; bodies are masked.',
    tags: outboundTag,
    access: 'deliveries:read',
    query: deliveryQueryWireSchema,
    responses: { 200: { description: 'One page of deliveries.', schema: deliveryListWireSchema } },
    errors: [400, ...adminErrors],
    async handle({ gateway, query }) {
      const page = await gateway.deliveries.list({ intId: query.int_id, status: query.status, cursor: query.cursor, limit: query.limit });
      return { status: 200, body: { total: page.total, deliveries: page.items.map(deliveryToWire), next_cursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/deliveries/{delivery_id}',
    operationId: 'getDelivery',
    summary: 'Get an outbound delivery',
    tags: outboundTag,
    access: 'deliveries:read',
    params: deliveryIdParams,
    responses: { 200: { description: 'The delivery.', schema: deliveryWireSchema } },
    errors: [...adminErrors, 404],
    async handle({ gateway, params }) {
      return { status: 200, body: deliveryToWire(await gateway.deliveries.get(params.delivery_id)) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/deliveries/{delivery_id}/retry',
    operationId: 'retryDelivery',
    summary: 'Retry a failed delivery',
    description:
      'Makes a `failed` delivery due now; the dispatcher sends it again with the same body and `webhook-id`. ' +
      '409 `DELIVERY_NOT_FAILED` when it is pending or delivered.',
    tags: outboundTag,
    access: 'deliveries:write',
    params: deliveryIdParams,
    responses: { 202: { description: 'Due again.', schema: deliveryWireSchema } },
    errors: [...adminErrors, 404, 409],
    async handle({ gateway, params, principal }) {
      return { status: 202, body: deliveryToWire(await gateway.deliveries.retry(params.delivery_id, principal?.id ?? 'unknown')) };
    },
  }),
];

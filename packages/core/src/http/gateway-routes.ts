import { z } from 'zod';
import { deliveryRoutes, sendRoute, testIntegrationRoute } from './delivery-routes';
import { eventRoutes } from './event-routes';
import { defineRoute, type HttpRequest, type Route, type RouteContext } from './route';
import { rateLimitHeaders } from './rate-limit-headers';
import { rotateSecretRoute } from './secret-routes';
import {
  integrationCreateBodySchema,
  integrationCreatedWireSchema,
  integrationListQueryWireSchema,
  integrationListWireSchema,
  integrationUpdateBodySchema,
  integrationWireSchema,
  keyRotatedWireSchema,
  logListWireSchema,
  logQueryWireSchema,
  messageWireSchema,
  statsWireSchema,
  usageQueryWireSchema,
  usageWireSchema,
  webhookAcceptedWireSchema,
} from './wire';
import { createdToWire, integrationToWire, logEntryToWire, rotatedToWire, statsToWire } from './to-wire';

const intIdParams = z.object({ int_id: z.string().min(1).max(64).describe('The integration id, `GW-` and 8 hex digits.') });
const keyParams = z.object({ key: z.string().max(256).describe("The integration's API key.") });
const adminErrors = [401, 403] as const;

const integrationsTag = ['Integrations'];

function keyFromHeaders(request: HttpRequest): string {
  const authorization = request.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  const apiKey = request.headers['x-api-key'];
  return bearer ?? (typeof apiKey === 'string' ? apiKey.trim() : '');
}

// The receiver calls `readBody` only once the key names an active integration: a caller without
// one is refused before its body is read.
async function receive(context: Pick<RouteContext, 'gateway' | 'request' | 'readBody'>, key: string) {
  const accepted = await context.gateway.receiveWebhook({
    key,
    headers: context.request.headers,
    rawBody: context.readBody,
  });
  return {
    status: 202,
    headers: rateLimitHeaders('webhook', accepted.rateLimit),
    body: { accepted: true, event: accepted.event, int_id: accepted.intId, event_id: accepted.eventId },
  };
}

const webhookDescription =
  'Authenticated by the integration\'s API key. When the integration has a signing secret, the request must carry a valid ' +
  'signature over the exact body bytes (see "Signing webhooks" in the description of this API).';
const webhookResponses = {
  202: { description: 'Accepted and handed to the host.', schema: webhookAcceptedWireSchema },
};
const webhookErrors = [400, 401, 403, 409, 413, 429, 503] as const;

/**
 * The routes of `@portico/core`, in the order of the original router. {@link createHttpHandler}
 * serves them; read them to document or inspect the API without a running gateway.
 *
 * @example
 * ```ts
 * const document = buildOpenApiDocument(gatewayRoutes, { prefix: '/api/gateway' });
 * gatewayRoutes.map((route) => `${route.method} ${route.path}`); // ['POST /integrations', …]
 * ```
 */
export const gatewayRoutes: readonly Route[] = [
  defineRoute({
    method: 'POST',
    path: '/integrations',
    operationId: 'createIntegration',
    summary: 'Register an integration',
    description: 'Answers the API key once, and a generated signing secret when a scheme was asked for without one.',
    tags: integrationsTag,
    access: 'integrations:write',
    body: integrationCreateBodySchema,
    responses: { 201: { description: 'Registered.', schema: integrationCreatedWireSchema } },
    errors: [400, ...adminErrors],
    async handle({ gateway, body, principal }) {
      const created = await gateway.integrations.create(
        {
          name: body.name,
          type: body.type,
          description: body.description,
          endpointUrl: body.endpoint_url,
          secret: body.secret,
          signatureScheme: body.signature_scheme,
          headers: body.headers,
          status: body.status,
          enabled: body.enabled,
          rateLimit: body.rate_limit,
        },
        principal?.id ?? 'unknown',
      );
      return { status: 201, body: createdToWire(created) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/integrations',
    operationId: 'listIntegrations',
    summary: 'List integrations',
    tags: integrationsTag,
    access: 'integrations:read',
    query: integrationListQueryWireSchema,
    responses: { 200: { description: 'One page, oldest first.', schema: integrationListWireSchema } },
    errors: [400, ...adminErrors],
    async handle({ gateway, query }) {
      const page = await gateway.integrations.list({
        type: query.type_filter,
        status: query.status,
        enabledOnly: query.enabled_only,
        cursor: query.cursor,
        limit: query.limit,
      });
      return {
        status: 200,
        body: { total: page.total, integrations: page.integrations.map(integrationToWire), next_cursor: page.nextCursor },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/integrations/{int_id}',
    operationId: 'getIntegration',
    summary: 'Get an integration',
    tags: integrationsTag,
    access: 'integrations:read',
    params: intIdParams,
    responses: { 200: { description: 'The integration.', schema: integrationWireSchema } },
    errors: [...adminErrors, 404],
    async handle({ gateway, params }) {
      return { status: 200, body: integrationToWire(await gateway.integrations.get(params.int_id)) };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/integrations/{int_id}',
    operationId: 'updateIntegration',
    summary: 'Update an integration',
    description: 'A partial update: absent fields keep their value; `endpoint_url: null` clears it; `headers` replaces the set.',
    tags: integrationsTag,
    access: 'integrations:write',
    params: intIdParams,
    body: integrationUpdateBodySchema,
    responses: { 200: { description: 'The updated integration.', schema: integrationWireSchema } },
    errors: [400, ...adminErrors, 404, 409],
    async handle({ gateway, params, body, principal }) {
      const changes = {
        name: body.name,
        description: body.description,
        endpointUrl: body.endpoint_url,
        headers: body.headers,
        status: body.status,
        enabled: body.enabled,
        rateLimit: body.rate_limit,
      };
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      const integration = await gateway.integrations.update(params.int_id, defined, principal?.id ?? 'unknown');
      return { status: 200, body: integrationToWire(integration) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/integrations/{int_id}',
    operationId: 'deleteIntegration',
    summary: 'Delete an integration',
    description: 'Its API keys stop working at once; its log entries stay.',
    tags: integrationsTag,
    access: 'integrations:write',
    params: intIdParams,
    responses: { 200: { description: 'Deleted.', schema: messageWireSchema } },
    errors: [...adminErrors, 404],
    async handle({ gateway, params, principal }) {
      await gateway.integrations.remove(params.int_id, principal?.id ?? 'unknown');
      return { status: 200, body: { message: `Integration '${params.int_id}' deleted.` } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/integrations/{int_id}/rotate-key',
    operationId: 'rotateIntegrationKey',
    summary: 'Rotate the API key',
    description: 'Answers a new key once. The previous key keeps working for the grace period (default 24 hours), then is refused.',
    tags: integrationsTag,
    access: 'integrations:write',
    params: intIdParams,
    responses: { 200: { description: 'The new key.', schema: keyRotatedWireSchema } },
    errors: [...adminErrors, 404, 409],
    async handle({ gateway, params, principal }) {
      return { status: 200, body: rotatedToWire(await gateway.integrations.rotateKey(params.int_id, principal?.id ?? 'unknown')) };
    },
  }),
  rotateSecretRoute,
  defineRoute({
    method: 'GET',
    path: '/integrations/{int_id}/usage',
    operationId: 'getIntegrationUsage',
    summary: 'Usage of an integration over time',
    description:
      'Requests per minute, hour or day (UTC) in `[from, to)`, by default the last 24 hours; every bucket is present, ' +
      'empty ones with zeros.',
    tags: integrationsTag,
    access: 'stats:read',
    params: intIdParams,
    query: usageQueryWireSchema,
    responses: { 200: { description: 'The series.', schema: usageWireSchema } },
    errors: [400, ...adminErrors, 404],
    async handle({ gateway, params, query }) {
      const series = await gateway.usage(params.int_id, {
        fromMs: query.from === undefined ? undefined : Date.parse(query.from),
        toMs: query.to === undefined ? undefined : Date.parse(query.to),
        bucket: query.bucket,
      });
      return {
        status: 200,
        body: {
          int_id: series.intId,
          bucket: series.bucket,
          points: series.points.map((point) => ({
            start: new Date(point.startMs).toISOString(),
            total: point.total,
            success: point.success,
            error: point.error,
            rate_limited: point.rateLimited,
          })),
        },
      };
    },
  }),
  testIntegrationRoute,
  defineRoute({
    method: 'POST',
    path: '/webhook/{key}',
    operationId: 'receiveWebhook',
    summary: 'Receive a webhook (key in the path)',
    description: `${webhookDescription} The key in the path is the original router's form; prefer the headers of \`POST /webhook\`, which stay out of access logs.`,
    tags: ['Webhooks'],
    access: 'webhook',
    params: keyParams,
    responses: webhookResponses,
    errors: webhookErrors,
    handle: (context) => receive(context, context.params.key),
  }),
  defineRoute({
    method: 'POST',
    path: '/webhook',
    operationId: 'receiveWebhookWithHeaderKey',
    summary: 'Receive a webhook (key in a header)',
    description: `${webhookDescription} The key goes in \`Authorization: Bearer <key>\` or \`X-Api-Key: <key>\`.`,
    tags: ['Webhooks'],
    access: 'webhook',
    responses: webhookResponses,
    errors: webhookErrors,
    handle: (context) => receive(context, keyFromHeaders(context.request)),
  }),
  sendRoute,
  ...deliveryRoutes,
  ...eventRoutes,
  defineRoute({
    method: 'GET',
    path: '/logs',
    operationId: 'queryLogs',
    summary: 'Query the integration log',
    description: 'Newest first; payloads and errors are masked.',
    tags: ['Logs'],
    access: 'logs:read',
    query: logQueryWireSchema,
    responses: { 200: { description: 'One page of entries.', schema: logListWireSchema } },
    errors: [400, ...adminErrors],
    async handle({ gateway, query }) {
      const page = await gateway.logs.query({
        intId: query.int_id,
        direction: query.direction,
        status: query.status,
        sinceMs: query.since === undefined ? undefined : Date.parse(query.since),
        untilMs: query.until === undefined ? undefined : Date.parse(query.until),
        cursor: query.cursor,
        limit: query.limit,
      });
      return { status: 200, body: { total: page.total, logs: page.items.map(logEntryToWire), next_cursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/stats',
    operationId: 'getStats',
    summary: 'Totals over all integrations',
    tags: ['Logs'],
    access: 'stats:read',
    responses: { 200: { description: 'The totals.', schema: statsWireSchema } },
    errors: adminErrors,
    async handle({ gateway }) {
      return { status: 200, body: statsToWire(await gateway.stats()) };
    },
  }),
];

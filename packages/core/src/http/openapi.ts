import type { z } from 'zod';
import { apiGuide } from './openapi-guide';
import { problemDescription, problemSchema } from './openapi-problems';
import { createSchemaComponents, resolveSchema, type SchemaComponents } from './openapi-schemas';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiHeader,
  OpenApiInfo,
  OpenApiMethod,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
  OpenApiSecurityScheme,
} from './openapi-types';
import type { Route } from './route';

export type { OpenApiDocument, OpenApiInfo } from './openapi-types';

const DEFAULT_TITLE = 'Portico integration gateway';
const DEFAULT_VERSION = '1.0.0';
const PROBLEM_JSON = 'application/problem+json';

const securitySchemes: Record<string, OpenApiSecurityScheme> = {
  adminBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Admin: `Authorization: Bearer <token>`, checked by the host service.',
  },
  webhookKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: "The integration's API key in `X-Api-Key`." },
  webhookBearer: { type: 'http', scheme: 'bearer', description: "The integration's API key in `Authorization: Bearer`." },
};

const headers: Record<string, OpenApiHeader> = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 }, example: '12' },
  'RateLimit-Policy': {
    description: 'The quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per window of `w` seconds.',
    schema: { type: 'string' },
    example: '"webhook";q=60;w=60',
  },
  RateLimit: {
    description: 'Where the caller stands in the quota: `r` requests remaining, `t` seconds until it is restored.',
    schema: { type: 'string' },
    example: '"webhook";r=0;t=12',
  },
  'WWW-Authenticate': { description: 'How to authenticate.', schema: { type: 'string' }, example: 'Bearer' },
};

const headerRefs = (...names: (keyof typeof headers)[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const signatureHeaders: OpenApiParameter[] = [
  { name: 'webhook-id', description: 'Standard Webhooks: the unique id of the message.', schema: { type: 'string', maxLength: 256 } },
  {
    name: 'webhook-timestamp',
    description: 'Standard Webhooks: when the message was sent, in seconds since the Unix epoch.',
    schema: { type: 'string', pattern: '^[1-9][0-9]{0,11}$' },
  },
  {
    name: 'webhook-signature',
    description: 'Standard Webhooks: space-separated `v1,<base64>` signatures.',
    schema: { type: 'string', maxLength: 2048 },
  },
  { name: 'X-Hub-Signature-256', description: '`github` and `legacy` schemes: `sha256=<hex>`.', schema: { type: 'string' } },
].map(({ name, description, schema }) => ({
  name,
  in: 'header' as const,
  required: false,
  description: `${description} Required when the integration has a signing secret of this scheme.`,
  schema,
}));

const rawWebhookBody: OpenApiOperation['requestBody'] = {
  description:
    'The event, as the sender makes it: JSON whose `event` field names the event, or any text (handed to the host as `{ raw }`). ' +
    'A signature covers these exact bytes: send the very bytes that were signed.',
  required: false,
  content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
};

function security(route: Route): OpenApiOperation['security'] {
  if (route.access === 'public') return [];
  // A key in the path is a credential no security scheme can describe: the parameter says it.
  if (route.access === 'webhook') return route.path.includes('{key}') ? [] : [{ webhookKey: [] }, { webhookBearer: [] }];
  return [{ adminBearer: [] }];
}

function errorHeaders(status: number, route: Route): Pick<OpenApiResponse, 'headers'> {
  if (status === 429) return { headers: headerRefs('Retry-After', 'RateLimit-Policy', 'RateLimit') };
  if (status === 401 && route.access !== 'webhook') return { headers: headerRefs('WWW-Authenticate') };
  return {};
}

function responses(route: Route, components: SchemaComponents, problem: JsonSchema): Record<string, OpenApiResponse> {
  const result: Record<string, OpenApiResponse> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    result[status] = {
      description: response.description,
      ...(route.access === 'webhook' && { headers: headerRefs('RateLimit-Policy', 'RateLimit') }),
      ...(response.schema && {
        content: { [response.contentType ?? 'application/json']: { schema: components.output(response.schema) } },
      }),
    };
  }
  for (const status of route.errors) {
    result[status] = {
      description: problemDescription(status, route.access),
      ...errorHeaders(status, route),
      content: { [PROBLEM_JSON]: { schema: problem } },
    };
  }
  return result;
}

function objectFields(schema: z.ZodType | undefined, components: SchemaComponents) {
  const json = schema ? (resolveSchema(components.input(schema), components.schemas) ?? {}) : {};
  return {
    properties: (json.properties ?? {}) as Record<string, JsonSchema>,
    required: (json.required ?? []) as string[],
  };
}

function parameter(name: string, location: 'path' | 'query', required: boolean, schema: JsonSchema): OpenApiParameter {
  const { description, ...rest } = schema;
  return { name, in: location, required, ...(typeof description === 'string' && { description }), schema: rest };
}

function parameters(route: Route, components: SchemaComponents): OpenApiParameter[] {
  const path = objectFields(route.params, components).properties;
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].flatMap((match) => match[1] ?? []);
  const query = objectFields(route.query, components);
  return [
    ...names.map((name) => parameter(name, 'path', true, path[name] ?? { type: 'string' })),
    ...Object.entries(query.properties).map(([name, schema]) => parameter(name, 'query', query.required.includes(name), schema)),
    ...(route.access === 'webhook' ? signatureHeaders : []),
  ];
}

function requestBody(route: Route, components: SchemaComponents): OpenApiOperation['requestBody'] {
  if (route.body) {
    return {
      required: !route.body.safeParse(undefined).success,
      content: { 'application/json': { schema: components.input(route.body) } },
    };
  }
  return route.access === 'webhook' && route.method !== 'GET' ? rawWebhookBody : undefined;
}

function operation(route: Route, components: SchemaComponents, answers: Record<string, OpenApiResponse>): OpenApiOperation {
  const params = parameters(route, components);
  const body = requestBody(route, components);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description !== undefined && { description: route.description }),
    tags: [...route.tags],
    security: security(route),
    'x-portico-access': route.access,
    ...(params.length > 0 && { parameters: params }),
    ...(body && { requestBody: body }),
    responses: answers,
  };
}

/**
 * Builds the OpenAPI 3.1 document of `routes` served under `prefix`, from the route table alone:
 * zod schemas become JSON Schemas through zod's own `z.toJSONSchema` (request bodies and
 * parameters input-side, answers output-side), schemas with `.meta({ id })` become
 * `components.schemas`, and every error status answers a shared `Problem`. `info.description`
 * holds the guide to authentication, errors and signing webhooks, with a worked example.
 *
 * @throws Error when two different schemas carry the same id, or a recursive schema has none.
 * @example
 * ```ts
 * const document = buildOpenApiDocument(handler.routes, { prefix: '/api/gateway', version: '2.3.0' });
 * document.paths['/api/gateway/integrations']?.post?.operationId; // 'createIntegration'
 * ```
 */
export function buildOpenApiDocument(routes: readonly Route[], options: OpenApiInfo & { prefix: string }): OpenApiDocument {
  const components = createSchemaComponents();
  // Every output first: an id seen on both sides then names its input form `<id>Input`.
  const problem = components.output(problemSchema);
  const answered = routes.map((route) => ({ route, answers: responses(route, components, problem) }));
  const paths: OpenApiDocument['paths'] = {};
  for (const { route, answers } of answered) {
    const item = (paths[`${options.prefix}${route.path}`] ??= {});
    const method = route.method.toLowerCase() as OpenApiMethod;
    // The handler serves the first route of a method and path; so the document describes it.
    item[method] ??= operation(route, components, answers);
  }
  // A copy, so no two documents share the constant parts above.
  return structuredClone({
    openapi: '3.1.0',
    info: {
      title: options.title ?? DEFAULT_TITLE,
      version: options.version ?? DEFAULT_VERSION,
      description: apiGuide(routes, options.prefix, options.description),
    },
    servers: options.servers ?? [{ url: '/' }],
    tags: [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name })),
    paths,
    components: { schemas: components.schemas, securitySchemes, headers },
  } satisfies OpenApiDocument);
}

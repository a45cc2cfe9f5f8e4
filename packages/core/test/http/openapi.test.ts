import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway } from '../../src/gateway';
import { createHttpHandler, type HttpHandlerOptions } from '../../src/http/handler';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/http/openapi';
import type { JsonSchema, OpenApiMethod, OpenApiOperation } from '../../src/http/openapi-types';
import { defineRoute, type Route } from '../../src/http/route';
import { silentLogger } from '../../src/logger';

const handlerWith = (options: HttpHandlerOptions = {}) =>
  createHttpHandler(createGateway({ keyRing: generateKeyRing(), logger: silentLogger }), { logger: silentLogger, ...options });

const route = (overrides: Partial<Route>): Route =>
  defineRoute({
    method: 'POST',
    path: '/things',
    operationId: 'makeThing',
    summary: 'Make a thing',
    tags: ['Things'],
    access: 'things:write',
    responses: { 200: { description: 'Made.' } },
    errors: [],
    handle: async () => ({ status: 200 }),
    ...overrides,
  });

function operationOf(document: OpenApiDocument, path: string, method: OpenApiMethod): OpenApiOperation {
  const operation = document.paths[path]?.[method];
  if (!operation) throw new Error(`${method} ${path} is not documented`);
  return operation;
}

/** Every `$ref` in the document, with where it was found. */
function refsOf(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [{ at, ref: value }] : refsOf(value, `${at}/${key}`),
  );
}

function pointTo(document: OpenApiDocument, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], document);
}

const resolve = (document: OpenApiDocument, schema: JsonSchema) =>
  (typeof schema.$ref === 'string' ? pointTo(document, schema.$ref) : schema) as JsonSchema;

describe('buildOpenApiDocument on the gateway routes', () => {
  const handler = handlerWith();
  const document = handler.openapi();
  const operations = Object.values(document.paths).flatMap((item) => Object.values(item));

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const broken = { ...document, paths: { 'no-leading-slash': {} } };
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('documents every route of the handler under the prefix, with its method and operationId', () => {
    expect(handler.routes.length).toBeGreaterThan(10);
    for (const { method, path, operationId, summary } of handler.routes) {
      const operation = operationOf(document, `/api/gateway${path}`, method.toLowerCase() as OpenApiMethod);
      expect({ operationId: operation.operationId, summary: operation.summary }).toEqual({ operationId, summary });
    }
    expect(operations).toHaveLength(handler.routes.length);
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length);
  });

  it('resolves every $ref and holds no $schema', () => {
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const { at, ref } of refs) expect(pointTo(document, ref), `${ref} at ${at}`).toBeDefined();
    expect(JSON.stringify(document)).not.toContain('"$schema"');
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Integration', 'IntegrationCreate', 'IntegrationList', 'LogEntry', 'Problem', 'FieldIssue']),
    );
  });

  it('gives every request body and JSON answer a non-empty schema', () => {
    const schemas = operations.flatMap((operation) => [
      ...Object.values(operation.requestBody?.content ?? {}),
      ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
    ]);
    expect(schemas.length).toBeGreaterThan(40);
    for (const { schema } of schemas) expect(Object.keys(resolve(document, schema)).length).toBeGreaterThan(0);
  });

  it('references shared components by $ref', () => {
    const list = operationOf(document, '/api/gateway/integrations', 'get').responses['200']?.content?.['application/json'];
    expect(list?.schema).toEqual({ $ref: '#/components/schemas/IntegrationList' });
    expect(document.components.schemas.IntegrationList?.properties).toMatchObject({
      integrations: { type: 'array', items: { $ref: '#/components/schemas/Integration' } },
    });
  });

  it('describes request bodies input-side: optional fields are not required', () => {
    const create = operationOf(document, '/api/gateway/integrations', 'post');
    expect(create.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/IntegrationCreate' } } },
    });
    expect(document.components.schemas.IntegrationCreate?.required).toEqual(['name', 'type']);
    expect(document.components.schemas.Integration?.required).toContain('api_key_prefix');
  });

  it('makes parameters of the path template and the query shape, required unless optional or defaulted', () => {
    const usage = operationOf(document, '/api/gateway/integrations/{int_id}/usage', 'get');
    expect(usage.parameters?.map(({ name, in: where, required }) => ({ name, in: where, required }))).toEqual([
      { name: 'int_id', in: 'path', required: true },
      { name: 'from', in: 'query', required: false },
      { name: 'to', in: 'query', required: false },
      { name: 'bucket', in: 'query', required: false },
    ]);
    expect(usage.parameters?.[1]?.schema).toMatchObject({ anyOf: [{ format: 'date' }, { format: 'date-time' }] });
    expect(usage.parameters?.[3]?.schema).toMatchObject({ enum: ['minute', 'hour', 'day'], default: 'hour' });
    const logs = operationOf(document, '/api/gateway/logs', 'get');
    expect(logs.parameters?.find((parameter) => parameter.name === 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    });
  });

  it.each([
    ['/api/gateway/integrations', 'post', [{ adminBearer: [] }], 'integrations:write'],
    ['/api/gateway/stats', 'get', [{ adminBearer: [] }], 'stats:read'],
    ['/api/gateway/webhook', 'post', [{ webhookKey: [] }, { webhookBearer: [] }], 'webhook'],
    ['/api/gateway/webhook/{key}', 'post', [], 'webhook'],
    ['/api/gateway/openapi.json', 'get', [], 'public'],
    ['/api/gateway/docs', 'get', [], 'public'],
  ] as const)('secures %s %s with %j', (path, method, security, access) => {
    const operation = operationOf(document, path, method);
    expect(operation.security).toEqual(security);
    expect(operation['x-portico-access']).toBe(access);
  });

  it('declares the security schemes: admin bearer, and the webhook key in X-Api-Key or as a bearer', () => {
    expect(document.components.securitySchemes).toMatchObject({
      adminBearer: { type: 'http', scheme: 'bearer' },
      webhookKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      webhookBearer: { type: 'http', scheme: 'bearer' },
    });
  });

  it('answers every error status with the shared Problem, rate limits with their headers', () => {
    const webhook = operationOf(document, '/api/gateway/webhook', 'post');
    expect(Object.keys(webhook.responses)).toEqual(['202', '400', '401', '403', '409', '413', '429', '503']);
    for (const status of ['400', '401', '403', '409', '413', '429', '503']) {
      expect(webhook.responses[status]?.content).toEqual({
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      });
    }
    expect(Object.keys(webhook.responses['429']?.headers ?? {})).toEqual(['Retry-After', 'RateLimit-Policy', 'RateLimit']);
    expect(Object.keys(webhook.responses['202']?.headers ?? {})).toEqual(['RateLimit-Policy', 'RateLimit']);
    expect(webhook.responses['409']?.description).toContain('webhook-id');
    expect(document.components.schemas.Problem).toMatchObject({
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: { errors: { type: 'array', items: { $ref: '#/components/schemas/FieldIssue' } } },
    });
  });

  it('documents the raw webhook body and the signature headers', () => {
    const webhook = operationOf(document, '/api/gateway/webhook/{key}', 'post');
    expect(webhook.requestBody?.content['application/json']?.schema).toEqual({ type: 'object', additionalProperties: true });
    expect(webhook.requestBody?.description).toContain('exact bytes');
    expect(webhook.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'path:key',
      'header:webhook-id',
      'header:webhook-timestamp',
      'header:webhook-signature',
      'header:X-Hub-Signature-256',
    ]);
  });

  it('lists the tags in the order of the route table', () => {
    expect(document.tags.map((tag) => tag.name)).toEqual(['Integrations', 'Webhooks', 'Outbound', 'Inbox', 'Logs', 'Documentation']);
  });

  it('has a default title, version and server, and a description with the signing guide', () => {
    expect(document.info).toMatchObject({ title: 'Portico integration gateway', version: '1.0.0' });
    expect(document.servers).toEqual([{ url: '/' }]);
    expect(document.info.description).toContain('## Signing webhooks');
    expect(document.info.description).toContain('curl -sS "$url"');
  });
});

describe('buildOpenApiDocument options', () => {
  it('takes title, version, description and servers, and puts the prefix on every path', () => {
    const document = handlerWith({
      prefix: '/gw/',
      openapi: { title: 'ACME', version: '2.3.0', description: 'Our gateway.', servers: [{ url: 'https://gw.acme.internal' }] },
    }).openapi();
    expect(document.info).toMatchObject({ title: 'ACME', version: '2.3.0' });
    expect(document.info.description.startsWith('Our gateway.\n\n## Authentication')).toBe(true);
    expect(document.servers).toEqual([{ url: 'https://gw.acme.internal' }]);
    expect(Object.keys(document.paths).every((path) => path.startsWith('/gw/'))).toBe(true);
  });

  it('is built once per handler, and documents of two handlers share nothing', () => {
    const first = handlerWith();
    const second = handlerWith();
    expect(first.openapi()).toBe(first.openapi());
    const scheme = first.openapi().components.securitySchemes.adminBearer;
    expect(scheme).toBeDefined();
    if (scheme) scheme.description = 'changed';
    expect(second.openapi().components.securitySchemes.adminBearer?.description).toContain('Bearer');
  });

  it('documents added routes, and leaves out the signing guide when no route takes webhooks', () => {
    const document = buildOpenApiDocument([route({ body: z.object({ name: z.string() }) })], { prefix: '' });
    expect(operationOf(document, '/things', 'post').requestBody?.content['application/json']?.schema).toMatchObject({
      properties: { name: { type: 'string' } },
    });
    expect(document.info.description).not.toContain('Signing webhooks');
  });

  it('names the input side of a schema used both ways <id>Input', () => {
    const thing = z.object({ size: z.coerce.number().int().default(1) }).meta({ id: 'OpenApiTestThing' });
    const document = buildOpenApiDocument([route({ body: thing, responses: { 200: { description: 'Made.', schema: thing } } })], {
      prefix: '',
    });
    const operation = operationOf(document, '/things', 'post');
    expect(operation.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/OpenApiTestThingInput' });
    expect(operation.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/OpenApiTestThing' });
    expect(document.components.schemas.OpenApiTestThing?.required).toEqual(['size']);
    expect(document.components.schemas.OpenApiTestThingInput?.required).toBeUndefined();
  });

  it('refers to a recursive schema with an id', () => {
    const node: z.ZodType = z
      .object({
        name: z.string(),
        get children() {
          return z.array(node);
        },
      })
      .meta({ id: 'OpenApiTestNode' });
    const document = buildOpenApiDocument([route({ responses: { 200: { description: 'A tree.', schema: node } } })], { prefix: '' });
    expect(document.components.schemas.OpenApiTestNode?.properties).toMatchObject({
      children: { items: { $ref: '#/components/schemas/OpenApiTestNode' } },
    });
  });

  it.each([
    [
      'a recursive schema without an id',
      (() => {
        const node: z.ZodType = z.object({ get children() { return z.array(node); } });
        return [route({ responses: { 200: { description: 'A tree.', schema: node } } })];
      })(),
      /recursive schema needs \.meta\(\{ id \}\)/,
    ],
    [
      'two different schemas with one id',
      [
        route({ responses: { 200: { description: 'A.', schema: z.object({ a: z.string() }).meta({ id: 'OpenApiTestDup' }) } } }),
        route({ path: '/other', responses: { 200: { description: 'B.', schema: z.object({ b: z.int() }).meta({ id: 'OpenApiTestDup' }) } } }),
      ],
      /Two different schemas carry the id 'OpenApiTestDup'/,
    ],
  ])('refuses %s', (_, routes, message) => {
    expect(() => buildOpenApiDocument(routes, { prefix: '' })).toThrow(message);
  });
});

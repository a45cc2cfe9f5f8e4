/**
 * A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as zod emits it.
 *
 * @example
 * ```ts
 * const schema: JsonSchema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
 * ```
 */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Title, version, description and servers of the OpenAPI document.
 *
 * @example
 * ```ts
 * createHttpHandler(gateway, {
 *   openapi: { title: 'ACME gateway', version: '2.3.0', servers: [{ url: 'https://gw.acme.internal' }] },
 * });
 * ```
 */
export interface OpenApiInfo {
  /** Default `Portico integration gateway`. */
  title?: string;
  /** The version of the API as deployed. Default `1.0.0`. */
  version?: string;
  /** Markdown, shown first; the guide to signing webhooks follows it. */
  description?: string;
  /** Default `[{ url: '/' }]`: the server that serves the document. */
  servers?: { url: string; description?: string }[];
}

/**
 * A parameter of an operation.
 *
 * @example
 * ```ts
 * const parameter: OpenApiParameter = { name: 'int_id', in: 'path', required: true, schema: { type: 'string' } };
 * ```
 */
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/**
 * A body of a request or a response, by media type.
 *
 * @example
 * ```ts
 * const content: OpenApiContent = { 'application/json': { schema: { $ref: '#/components/schemas/Integration' } } };
 * ```
 */
export type OpenApiContent = Record<string, { schema: JsonSchema }>;

/**
 * One documented answer of an operation.
 *
 * @example
 * ```ts
 * const response: OpenApiResponse = { description: 'Not found.', content: problemContent };
 * ```
 */
export interface OpenApiResponse {
  description: string;
  /** References to `components.headers`, by header name. */
  headers?: Record<string, { $ref: string }>;
  content?: OpenApiContent;
}

/**
 * One operation of the document. `x-portico-access` is the route's access (`public`, `webhook`,
 * `authenticated` or a permission), which `security` alone cannot say.
 *
 * @example
 * ```ts
 * document.paths['/api/gateway/stats']?.get?.['x-portico-access']; // 'stats:read'
 * ```
 */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Alternatives, each a set of schemes; `[]` when no credential is checked by a scheme. */
  security: Record<string, string[]>[];
  'x-portico-access': string;
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required: boolean; content: OpenApiContent };
  responses: Record<string, OpenApiResponse>;
}

/**
 * A security scheme of `components.securitySchemes`.
 *
 * @example
 * ```ts
 * const bearer: OpenApiSecurityScheme = { type: 'http', scheme: 'bearer', description: 'Admin token.' };
 * ```
 */
export interface OpenApiSecurityScheme {
  type: 'http' | 'apiKey';
  description: string;
  scheme?: string;
  in?: 'header';
  name?: string;
}

/**
 * A response header of `components.headers`.
 *
 * @example
 * ```ts
 * const retryAfter: OpenApiHeader = { description: 'Seconds to wait.', schema: { type: 'integer' } };
 * ```
 */
export interface OpenApiHeader {
  description: string;
  schema: JsonSchema;
  example?: string;
}

/**
 * The HTTP methods of the route table, as OpenAPI spells them.
 *
 * @example
 * ```ts
 * const method = route.method.toLowerCase() as OpenApiMethod;
 * ```
 */
export type OpenApiMethod = 'get' | 'post' | 'put' | 'delete';

/**
 * An OpenAPI 3.1 document, as `buildOpenApiDocument` makes it.
 *
 * @example
 * ```ts
 * const document = handler.openapi();
 * Object.keys(document.paths); // ['/api/gateway/integrations', …]
 * ```
 */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description?: string }[];
  tags: { name: string }[];
  paths: Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, OpenApiSecurityScheme>;
    headers: Record<string, OpenApiHeader>;
  };
}

import { PorticoError } from '../errors';
import type { Gateway } from '../gateway';
import type { Logger } from '../logger';
import { parseInput } from '../schemas/parse';
import { docsRoutes } from './docs-routes';
import { gatewayRoutes } from './gateway-routes';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi';
import { rateLimitHeaders } from './rate-limit-headers';
import type { HttpRequest, HttpResponse, Principal, Route } from './route';

/**
 * Permissions of each role; `*` grants every permission. A route's `access` names the permission
 * it needs, such as `integrations:read`, `deliveries:write` or `send`.
 *
 * @example
 * ```ts
 * const policy: AccessPolicy = { ADMIN: ['*'], SUPPORT: ['integrations:read', 'logs:read'] };
 * createHttpHandler(gateway, { policy });
 * ```
 */
export type AccessPolicy = Record<string, readonly string[]>;

/**
 * The default policy, as the original: `ADMIN` may do everything, `PM` may send notifications.
 *
 * @example
 * ```ts
 * createHttpHandler(gateway, { policy: { ...defaultPolicy, AUDITOR: ['logs:read', 'stats:read'] } });
 * ```
 */
export const defaultPolicy: AccessPolicy = { ADMIN: ['*'], PM: ['send'] };

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  /** Where the routes live. Default `/api/gateway`. */
  prefix?: string;
  /**
   * Who is calling an admin route: the host's own authentication. Return null for an
   * unauthenticated request. Without it every admin route answers 401.
   */
  authenticate?: (request: HttpRequest) => Principal | null | Promise<Principal | null>;
  /** Default {@link defaultPolicy}. */
  policy?: AccessPolicy;
  limits?: {
    /** Largest request body accepted, in bytes. Default 1 MiB. */
    maxBodyBytes?: number;
  };
  /** More routes, e.g. from `@portico/atlassian`, served and documented like the core's. */
  routes?: readonly Route[];
  /** Title, version and servers of the OpenAPI document. */
  openapi?: OpenApiInfo;
  /** Where unexpected errors are reported (they are answered as a bare 500). Default: the gateway's `logger`. */
  logger?: Logger;
}

/** The framework-free HTTP face of a gateway; adapters translate to and from it. */
export interface HttpHandler {
  readonly prefix: string;
  readonly maxBodyBytes: number;
  /** Every route served, the core's and the added ones. */
  readonly routes: readonly Route[];
  /** True when `path` is under the prefix: an adapter passes other requests on. */
  owns(path: string): boolean;
  /** Routes, validates and answers a request. Never rejects: every failure becomes a problem response. */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /** The problem answer for an error raised before `handle` (e.g. an over-long body while reading). */
  errorResponse(error: unknown): HttpResponse;
  /** The OpenAPI 3.1 document of every route. */
  openapi(): OpenApiDocument;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const utf8 = new TextDecoder();

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

function problem(error: PorticoError, headers: Record<string, string> = {}): HttpResponse {
  const extra: Record<string, string> = { ...headers };
  if (error.retryAfterMs !== undefined) extra['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  if (error.rateLimit) Object.assign(extra, rateLimitHeaders(error.rateLimit.policy ?? 'webhook', error.rateLimit));
  const response = json(error.status, error.toProblem(), extra);
  response.headers['content-type'] = 'application/problem+json; charset=utf-8';
  return response;
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Creates the HTTP handler of a gateway: one route table, input validated with its zod
 * schemas, admin routes authorised through the host's `authenticate` and the policy, errors as
 * RFC 9457 problems, and the OpenAPI document and docs page served from the same table.
 *
 * @example
 * ```ts
 * import { createGateway, createHttpHandler } from '@portico/core';
 *
 * const handler = createHttpHandler(createGateway({ keyRing }), {
 *   authenticate: (request) =>
 *     request.headers.authorization === `Bearer ${process.env.ADMIN_TOKEN}` ? { id: 'ops', roles: ['ADMIN'] } : null,
 * });
 * const response = await handler.handle({
 *   method: 'GET',
 *   path: '/api/gateway/stats',
 *   query: new URLSearchParams(),
 *   headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` },
 *   rawBody: new Uint8Array(),
 * });
 * ```
 */
export function createHttpHandler(gateway: Gateway, options: HttpHandlerOptions = {}): HttpHandler {
  const prefix = normalisePrefix(options.prefix ?? '/api/gateway');
  const maxBodyBytes = options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const policy = options.policy ?? defaultPolicy;
  const logger = options.logger ?? gateway.logger;
  const authenticate = options.authenticate ?? (() => null);
  let document: OpenApiDocument | undefined;
  const openapi = () => (document ??= buildOpenApiDocument(routes, { prefix, ...options.openapi }));
  const routes: readonly Route[] = [...gatewayRoutes, ...(options.routes ?? []), ...docsRoutes(openapi)];
  const compiled = routes.map(compile);
  const owns = (path: string) => path === prefix || path.startsWith(`${prefix}/`);

  function allowed(principal: Principal, access: string): boolean {
    if (access === 'authenticated') return true;
    return principal.roles.some((role) => {
      const permissions = policy[role];
      return permissions !== undefined && (permissions.includes('*') || permissions.includes(access));
    });
  }

  function errorResponse(error: unknown, operationId = 'unknown'): HttpResponse {
    const portico = PorticoError.from(error);
    if (portico.code === 'INTERNAL') logger.error('Unexpected error in a Portico route', { operationId, error: portico.cause ?? portico });
    // The host's middleware order is wrong: its operators must hear of it, not only the sender.
    if (portico.code === 'BODY_ALREADY_CONSUMED') logger.error(portico.message, { operationId });
    return problem(portico, portico.code === 'UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer' } : {});
  }

  function decode(segment: string, name: string): string {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new PorticoError('VALIDATION_FAILED', `Invalid percent-encoding in '${name}'.`, {
        fields: [{ path: name, message: 'Invalid percent-encoding' }],
      });
    }
  }

  async function run(request: HttpRequest, match: CompiledRoute, values: string[]): Promise<HttpResponse> {
    const { route } = match;
    if (request.rawBody.byteLength > maxBodyBytes) {
      throw new PorticoError('PAYLOAD_TOO_LARGE', `The body exceeds ${maxBodyBytes} bytes.`);
    }
    let principal: Principal | null = null;
    if (route.access !== 'public' && route.access !== 'webhook') {
      principal = await authenticate(request);
      if (!principal) throw new PorticoError('UNAUTHENTICATED', 'Authentication required.');
      if (!allowed(principal, route.access)) {
        throw new PorticoError('FORBIDDEN', `This operation needs the '${route.access}' permission.`);
      }
    }
    const rawParams = Object.fromEntries(match.names.map((name, i) => [name, decode(values[i] ?? '', name)]));
    const params = route.params ? parseInput(route.params, rawParams, 'path') : rawParams;
    const query = route.query ? parseInput(route.query, Object.fromEntries(request.query), 'query') : undefined;
    let body: unknown;
    if (route.body) {
      let parsed: unknown;
      try {
        parsed = request.rawBody.byteLength === 0 ? undefined : JSON.parse(utf8.decode(request.rawBody));
      } catch {
        throw new PorticoError('VALIDATION_FAILED', 'The body is not valid JSON.', {
          fields: [{ path: '(body)', message: 'Not valid JSON' }],
        });
      }
      body = parseInput(route.body, parsed, 'body');
    }
    const result = await route.handle({ params, query, body, request, principal, gateway });
    const contentType = result.headers?.['content-type'];
    if (contentType && (typeof result.body === 'string' || result.body instanceof Uint8Array)) {
      return { status: result.status, headers: { 'x-content-type-options': 'nosniff', ...result.headers }, body: result.body };
    }
    return json(result.status, result.body ?? null, result.headers);
  }

  return {
    prefix,
    maxBodyBytes,
    routes,
    owns,
    errorResponse: (error) => errorResponse(error),
    openapi,
    async handle(request) {
      if (!owns(request.path)) return errorResponse(new PorticoError('NOT_FOUND', 'No such route.'));
      const relative = request.path.slice(prefix.length) || '/';
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      for (const candidate of compiled) {
        if (candidate.route.method !== method) continue;
        const found = candidate.pattern.exec(relative);
        if (!found) continue;
        try {
          return await run(request, candidate, found.slice(1));
        } catch (error) {
          return errorResponse(error, candidate.route.operationId);
        }
      }
      // Only a miss pays for this second pass: the path may exist under other methods.
      const allow = [...new Set(compiled.filter((candidate) => candidate.pattern.test(relative)).map((candidate) => candidate.route.method))];
      if (allow.length > 0) {
        return problem(new PorticoError('METHOD_NOT_ALLOWED', `Use ${allow.join(', ')} on this path.`), { allow: allow.join(', ') });
      }
      return errorResponse(new PorticoError('NOT_FOUND', 'No such route.'));
    },
  };
}

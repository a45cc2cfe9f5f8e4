import { PorticoError } from '../errors';
import type { Gateway } from '../gateway';
import type { Logger } from '../logger';
import { checkOptions } from '../schemas/options';
import { parseInput } from '../schemas/parse';
import { wholeOption } from '../whole-option';
import { docsRoutes, MOUNT_PATHS_KEPT } from './docs-routes';
import { gatewayRoutes } from './gateway-routes';
import { gatewayArgumentSchema, httpHandlerOptionsSchema } from './handler-options';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi';
import { rateLimitHeaders } from './rate-limit-headers';
import type { HttpRequest, HttpResponse, Principal, Route, RouteResult } from './route';

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
    /**
     * Most bytes of request bodies read at once, over all requests, so memory stays bounded
     * however many clients send. Before a body is read its declared `content-length` (or
     * `maxBodyBytes` when it comes chunked) is reserved, and held until the answer is made; a
     * body that does not fit is answered 503 `BUSY` with `Retry-After`, unread. Bytes an adapter
     * hands over already read (`express.raw()`) were bounded by whoever read them and are not
     * counted. A positive integer, at least `maxBodyBytes`. Default 64 MiB.
     */
    maxBytesInFlight?: number;
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
  /** The problem answer for an error an adapter meets outside `handle`. */
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
const DEFAULT_MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
// Long enough for bodies in flight to finish at a working client's pace, short enough that a
// sender's retry is not a noticeable delay.
const BUSY_RETRY_AFTER_MS = 2_000;
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

/** Bytes of request bodies being read or held, shared by every request of one handler. */
function createBodyBudget(maxBytes: number) {
  let used = 0;
  return {
    /** Holds `bytes` until the returned function is called; `BUSY` when they do not fit. */
    reserve(bytes: number): () => void {
      if (used + bytes > maxBytes) {
        throw new PorticoError('BUSY', 'Too many request bodies are being received; retry shortly.', { retryAfterMs: BUSY_RETRY_AFTER_MS });
      }
      used += bytes;
      let held = true;
      return () => {
        if (held) used -= bytes;
        held = false;
      };
    },
  };
}

/** What reading the body can cost: the bytes at hand, the declared length, or the limit for a chunked stream. */
function declaredBytes(request: HttpRequest, maxBodyBytes: number): number {
  if (typeof request.rawBody !== 'function') return request.rawBody.byteLength;
  const length = request.headers['content-length'];
  if (typeof length === 'string' && /^\d+$/.test(length)) return Number(length);
  // Neither header: HTTP/1.1 has no body then, and the reader answers empty bytes.
  return request.headers['transfer-encoding'] === undefined && length === undefined ? 0 : maxBodyBytes;
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
 * @throws TypeError naming an unknown or mistyped option; RangeError for limits out of range.
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
  checkOptions(gatewayArgumentSchema, gateway, 'createHttpHandler gateway');
  checkOptions(httpHandlerOptionsSchema, options, 'createHttpHandler options');
  const prefix = normalisePrefix(options.prefix ?? '/api/gateway');
  const maxBodyBytes = options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxBytesInFlight = wholeOption('limits.maxBytesInFlight', options.limits?.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT, 1);
  if (maxBytesInFlight < maxBodyBytes) {
    throw new RangeError(`limits.maxBytesInFlight (${maxBytesInFlight}) must be at least limits.maxBodyBytes (${maxBodyBytes}), or a chunked body could never be read.`);
  }
  const budget = createBodyBudget(maxBytesInFlight);
  const policy = options.policy ?? defaultPolicy;
  const logger = options.logger ?? gateway.logger;
  const authenticate = options.authenticate ?? (() => null);
  // One document per mount path the adapters report. A mount with a parameter (`/tenants/:id`)
  // has as many as callers care to send, so only the first few are kept.
  const documents = new Map<string, OpenApiDocument>();
  const openapi = (mountPath = '') => {
    let document = documents.get(mountPath);
    if (document === undefined) {
      const servers = options.openapi?.servers ?? [{ url: mountPath === '' ? '/' : mountPath }];
      document = buildOpenApiDocument(routes, { prefix, ...options.openapi, servers });
      if (documents.size < MOUNT_PATHS_KEPT) documents.set(mountPath, document);
    }
    return document;
  };
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

  /** The body of one request, read on the first call within the limit and the budget; `release` gives its bytes back. */
  function lazyBody(request: HttpRequest, declared: number) {
    let reading: Promise<Uint8Array> | undefined;
    let release = () => {};
    async function read(): Promise<Uint8Array> {
      if (typeof request.rawBody !== 'function') return request.rawBody;
      release = budget.reserve(declared);
      return request.rawBody(maxBodyBytes);
    }
    return { read: () => (reading ??= read()), release: () => release() };
  }

  function parseBody(schema: NonNullable<Route['body']>, bytes: Uint8Array): unknown {
    let parsed: unknown;
    try {
      parsed = bytes.byteLength === 0 ? undefined : JSON.parse(utf8.decode(bytes));
    } catch {
      throw new PorticoError('VALIDATION_FAILED', 'The body is not valid JSON.', {
        fields: [{ path: '(body)', message: 'Not valid JSON' }],
      });
    }
    return parseInput(schema, parsed, 'body');
  }

  function answer(result: RouteResult): HttpResponse {
    const contentType = result.headers?.['content-type'];
    if (contentType && (typeof result.body === 'string' || result.body instanceof Uint8Array)) {
      return { status: result.status, headers: { 'x-content-type-options': 'nosniff', ...result.headers }, body: result.body };
    }
    return json(result.status, result.body ?? null, result.headers);
  }

  // The body is read last, and only when needed: a caller that fails authentication, a GET, or a
  // webhook whose key is refused costs its headers only; a Node server drops the unread bytes
  // once the answer is sent.
  async function run(request: HttpRequest, match: CompiledRoute, values: string[]): Promise<HttpResponse> {
    const { route } = match;
    const declared = declaredBytes(request, maxBodyBytes);
    if (declared > maxBodyBytes) {
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
    const body = lazyBody(request, declared);
    try {
      const parsed = route.body ? parseBody(route.body, await body.read()) : undefined;
      return answer(await route.handle({ params, query, body: parsed, request, readBody: body.read, principal, gateway }));
    } finally {
      body.release();
    }
  }

  return {
    prefix,
    maxBodyBytes,
    routes,
    owns,
    errorResponse: (error) => errorResponse(error),
    openapi: () => openapi(),
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

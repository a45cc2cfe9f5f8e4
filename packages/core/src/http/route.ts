import type { z } from 'zod';
import type { Gateway } from '../gateway';
import type { HeaderMap } from '../inbound/inbound-event';

/**
 * Reads a request body from its stream, exactly as received, refusing it with
 * `PAYLOAD_TOO_LARGE` once it passes `maxBytes`. The handler calls it at most once, and only
 * once the caller is authenticated, so an adapter never buffers a body nobody will accept.
 *
 * @example
 * ```ts
 * const rawBody: BodyReader = (maxBytes) => readNodeBody(req, maxBytes);
 * await handler.handle({ method: 'POST', path: '/api/gateway/webhook', query, headers: req.headers, rawBody });
 * ```
 */
export type BodyReader = (maxBytes: number) => Promise<Uint8Array>;

/** The request an adapter hands to the handler: the framework's request, translated. */
export interface HttpRequest {
  /** Upper case. */
  method: string;
  /** The path as received (still percent-encoded), relative to where the adapter is mounted. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: HeaderMap;
  /**
   * The body exactly as received: bytes already read (a raw body parser's, a test's; empty when
   * there is none), or a {@link BodyReader} for a stream not read yet, which the handler calls
   * only when the route needs the body and the caller passed its checks. Routes read it through
   * `RouteContext.readBody`, never from here.
   */
  rawBody: Uint8Array | BodyReader;
  /**
   * Where the host mounted the adapter, e.g. `/internal` for `app.use('/internal', router)`;
   * empty or absent at the root. The OpenAPI document and the docs page name it as their server,
   * unless `openapi.servers` is configured.
   */
  mountPath?: string;
}

/** What the handler answers; the adapter writes it out as it is. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised already; empty string for no body. */
  body: string | Uint8Array;
}

/** Who calls an admin route, as the host's `authenticate` says. */
export interface Principal {
  id: string;
  roles: readonly string[];
}

/**
 * Who may call a route: anyone (`public`), a holder of an integration's API key (`webhook`),
 * any authenticated principal (`authenticated`), or a principal with a permission (any other string).
 */
export type RouteAccess = 'public' | 'webhook' | 'authenticated' | (string & {});

/** What a route's handler gets: validated input and the caller. */
export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
  request: HttpRequest;
  /**
   * The body bytes exactly as received, read on the first call (the same promise after it),
   * within `limits.maxBodyBytes` and the budget of bytes in flight: `PAYLOAD_TOO_LARGE` past the
   * one, `BUSY` when the other is spent. A route with a `body` schema gets it parsed in `body`
   * instead; a webhook route hands this to the receiver, which calls it once the key is good.
   */
  readBody(): Promise<Uint8Array>;
  /** Null on public and webhook routes. */
  principal: Principal | null;
  gateway: Gateway;
}

/** What a route's handler returns. A string or bytes body with a `content-type` header is sent as is; anything else as JSON. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A documented answer of a route. */
export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

/** One endpoint: everything the handler, the OpenAPI document and the authorization tests need. */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the prefix, with `{name}` parameters: `/integrations/{int_id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: RouteAccess;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** A JSON body, read once the caller is authorised, and validated. Routes without it read the raw bytes, if at all, with `readBody` (webhooks). */
  body?: z.ZodType<B>;
  /** Success answers by status. */
  responses: Record<number, RouteResponse>;
  /** Problem statuses the route may answer, for the OpenAPI document. */
  errors: readonly number[];
  /** Runs with input already validated; a thrown `PorticoError` becomes its problem response. */
  handle(context: RouteContext<P, Q, B>): Promise<RouteResult>;
}

/**
 * Declares a route with its types inferred from its schemas; connector packages use it to add
 * endpoints to the same table.
 *
 * @example
 * ```ts
 * const ping = defineRoute({
 *   method: 'GET',
 *   path: '/ping',
 *   operationId: 'ping',
 *   summary: 'Answers pong',
 *   tags: ['misc'],
 *   access: 'authenticated',
 *   responses: { 200: { description: 'pong' } },
 *   errors: [401],
 *   handle: async () => ({ status: 200, body: { pong: true } }),
 * });
 * ```
 */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(route: Route<P, Q, B>): Route {
  return route as unknown as Route;
}

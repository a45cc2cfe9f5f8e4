import type { z } from 'zod';
import type { Gateway } from '../gateway';
import type { HeaderMap } from '../inbound/inbound-event';

/** The request an adapter hands to the handler: the framework's request, translated. */
export interface HttpRequest {
  /** Upper case. */
  method: string;
  /** The path as received (still percent-encoded), relative to where the adapter is mounted. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: HeaderMap;
  /** The body exactly as received; empty when there is none. */
  rawBody: Uint8Array;
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
  /** A JSON body, validated. Routes without it get the raw bytes only (webhooks). */
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

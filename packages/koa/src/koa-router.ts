// For adapter authors: this file is the whole Koa adapter; `@portico/express` explains the rules
// every adapter follows. An adapter translates and decides nothing: method, path (still
// percent-encoded), raw query, lower-case headers and the body go in (bytes a body parser kept, or
// a reader the core calls once the caller passed its checks); the status, headers and body the
// core answered come out as they are. `handle` never rejects, so nothing reaches Koa's own error
// answer.
//
// The router has one catch-all layer, the prefix and everything below it, rather than one layer
// per route: the core routes, so unknown paths and wrong methods under the prefix get its 404 and
// 405 problems (with `Allow`) as in every other adapter. Koa paths are absolute, so when a parent
// router mounts this one under `/tenants/:tenant`, the mount's segments are cut off the path
// before it goes to the core.
import Router, { type RouterContext } from '@koa/router';
import {
  createHttpHandler,
  readNodeBody,
  type Gateway,
  type HttpHandler,
  type HttpHandlerOptions,
  type HttpRequest,
  type HttpResponse,
} from '@portico/core';

const encoder = new TextEncoder();

// path-to-regexp syntax characters in the prefix are matched as themselves.
const literal = (path: string) => path.replace(/[{}()[\]+?!:*\\]/g, '\\$&');

function rawBodyOf(ctx: RouterContext): HttpRequest['rawBody'] {
  // koa-bodyparser and @koa/bodyparser keep the text they parsed as `rawBody`. It is the exact
  // bytes only when the body was UTF-8; a signature over anything else then fails, closed.
  const kept = (ctx.request as { rawBody?: unknown }).rawBody;
  if (typeof kept === 'string') return encoder.encode(kept);
  if (kept instanceof Uint8Array) return kept;
  return (maxBytes) => readNodeBody(ctx.req, maxBytes);
}

/** `ctx.path` from the prefix on: the layer's path is the mount's, then `registered`. */
function pathUnderMount(ctx: RouterContext, registered: string): string {
  const mount = (ctx.routerPath ?? '').slice(0, -registered.length);
  const mountDepth = mount.split('/').length - 1;
  return `/${ctx.path.split('/').slice(mountDepth + 1).join('/')}`;
}

/** What comes before `path` in the URL the client asked for: a parent router's or koa-mount's mount. */
function mountPathOf(ctx: RouterContext, path: string): string {
  const asked = ctx.originalUrl.split('?', 1)[0] ?? '';
  return asked.endsWith(path) ? asked.slice(0, asked.length - path.length) : '';
}

function translate(ctx: RouterContext, registered: string): HttpRequest {
  const path = pathUnderMount(ctx, registered);
  return {
    method: ctx.method,
    path,
    mountPath: mountPathOf(ctx, path),
    query: new URLSearchParams(ctx.querystring),
    headers: ctx.req.headers,
    rawBody: rawBodyOf(ctx),
  };
}

function write(ctx: RouterContext, answer: HttpResponse): void {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  // Headers first: Koa keeps a content type that is already set. Bytes must be a Buffer, or Koa sends them as JSON.
  ctx.body = typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
}

/**
 * Serves a Portico gateway from a Koa 3 app: an `@koa/router` router that answers every request
 * under the handler's prefix (default `/api/gateway`), case-sensitively like the core, and lets
 * any other request through.
 *
 * Give it a gateway and handler options, or a handler built with `createHttpHandler`. Mount it
 * before a body parser, or use one that keeps `ctx.request.rawBody` (koa-bodyparser,
 * @koa/bodyparser): webhook signatures are checked over the raw body, and a request whose body a
 * parser consumed without keeping it is refused with a `BODY_ALREADY_CONSUMED` problem that says
 * so. `router.allowedMethods()` is not needed: Portico answers 405 with `Allow` itself.
 *
 * Nested under a parent router (`parent.use('/tenants/:tenant', router.routes())`, a mount path
 * of fixed segments) or koa-mount, it serves `<mount>/api/gateway/…`, and its OpenAPI document
 * names the mount as its server.
 *
 * @param target - The gateway to serve, or a handler already made from one.
 * @param options - Options of `createHttpHandler`; used only when `target` is a gateway.
 * @returns A router: mount it with `app.use(router.routes())`.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { createGateway } from '@portico/core';
 * import { createKoaRouter } from '@portico/koa';
 *
 * const portico = createKoaRouter(createGateway({ keyRing }), {
 *   authenticate: (request) => (request.headers.authorization === `Bearer ${adminToken}` ? { id: 'ops', roles: ['ADMIN'] } : null),
 * });
 * new Koa().use(portico.routes()).listen(3000);
 * ```
 */
export function createKoaRouter(target: HttpHandler | Gateway, options: HttpHandlerOptions = {}): Router {
  const handler = 'handle' in target ? target : createHttpHandler(target, options);
  const registered = `${literal(handler.prefix)}{/*rest}`;
  return new Router({ sensitive: true }).all(registered, async (ctx) => {
    write(ctx, await handler.handle(translate(ctx, registered)));
  });
}

// For adapter authors: this file is the whole Express adapter and a model for others. An adapter
// translates and decides nothing. In: the method, the path relative to where the host mounted it
// (still percent-encoded: the core decodes each parameter once), the query from the raw URL, the
// lower-case headers and the body. Out: the status, headers and body the core answered, written as
// they are. Routing, authentication, validation, limits and error documents all live in
// `@portico/core`, so adapters cannot drift apart; `runAdapterSuite` from `@portico/testing`
// proves it over real sockets. Three rules need care in every framework:
// - Never await the body before `handle`: pass a reader, `(maxBytes) => readNodeBody(req, maxBytes)`.
//   The core calls it only once the caller is authenticated (a webhook's key found) and the
//   bytes fit its budget, so a flood of large bodies with bad keys costs headers, not memory.
// - Signatures are checked over the raw bytes, so never hand over a re-serialised parsed body.
//   Take bytes a raw parser kept, or the reader, which refuses clearly when a JSON parser got
//   there first.
// - Nothing thrown may reach the framework's own error page: `handle` never rejects, and turns
//   every failure, the reader's included, into an RFC 9457 problem.
import {
  createHttpHandler,
  readNodeBody,
  type Gateway,
  type HttpHandler,
  type HttpHandlerOptions,
  type HttpRequest,
  type HttpResponse,
} from '@portico/core';
import type { Request, RequestHandler, Response } from 'express';

function translate(req: Request): HttpRequest {
  // `req.url` is relative to the mount point (`app.use('/x', …)` strips `/x`), `req.path` is its
  // undecoded path, and the raw query keeps repeated and empty parameters as sent.
  const queryStart = req.url.indexOf('?');
  return {
    method: req.method,
    path: req.path,
    query: new URLSearchParams(queryStart < 0 ? '' : req.url.slice(queryStart + 1)),
    headers: req.headers,
    // `express.raw()` leaves the bytes in `req.body`; any other parsed body is refused by `readNodeBody`.
    rawBody: Buffer.isBuffer(req.body) ? req.body : (maxBytes) => readNodeBody(req, maxBytes),
    mountPath: req.baseUrl,
  };
}

// Plain Node calls, not `res.send`: Express would add an ETag, rewrite the content type and may
// turn the answer into a 304.
function write(res: Response, answer: HttpResponse): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}

/**
 * Serves a Portico gateway from an Express 5 app: a middleware that answers every request under
 * the handler's prefix (default `/api/gateway`) and passes any other request to `next()`.
 *
 * Give it a gateway and handler options, or a handler built with `createHttpHandler`. Paths are
 * relative to where it is mounted, so `app.use('/internal', router)` serves
 * `/internal/api/gateway/…`, and its OpenAPI document names `/internal` as its server.
 *
 * Mount it before `express.json()`: webhook signatures are checked over the raw body, and a
 * request whose body a JSON parser already consumed is refused with a `BODY_ALREADY_CONSUMED`
 * problem that says so. A body kept as bytes by `express.raw()` is used as it is.
 *
 * @param target - The gateway to serve, or a handler already made from one.
 * @param options - Options of `createHttpHandler`; used only when `target` is a gateway.
 * @returns A middleware for `app.use` or `router.use`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createGateway } from '@portico/core';
 * import { createExpressRouter } from '@portico/express';
 *
 * const app = express();
 * app.use(
 *   createExpressRouter(createGateway({ keyRing }), {
 *     authenticate: (request) => (request.headers.authorization === `Bearer ${adminToken}` ? { id: 'ops', roles: ['ADMIN'] } : null),
 *   }),
 * );
 * app.use(express.json()); // the host's own routes may parse JSON: Portico's requests never get this far
 * app.listen(3000);
 * ```
 */
export function createExpressRouter(target: HttpHandler | Gateway, options: HttpHandlerOptions = {}): RequestHandler {
  const handler = 'handle' in target ? target : createHttpHandler(target, options);
  return async (req, res, next) => {
    if (!handler.owns(req.path)) return next();
    write(res, await handler.handle(translate(req)));
  };
}

import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, createHttpHandler, generateKeyRing, silentLogger, type HttpHandler, type HttpRequest } from '@portico/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { accessTests } from './adapter-suite/access-tests';
import { adminTests } from './adapter-suite/admin-tests';
import { bodyTests } from './adapter-suite/body-tests';
import { createClient, principals, type AdapterClient } from './adapter-suite/client';
import { contractTests } from './adapter-suite/contract-tests';
import { earlyAnswerTests } from './adapter-suite/early-answer-tests';
import { webhookTests } from './adapter-suite/webhook-tests';

export { standardHeaders } from './adapter-suite/fixtures';

/** A running server that serves the suite's handler through the adapter under test. */
export interface AdapterServer {
  /** Where the adapter is mounted, without a trailing slash: `http://127.0.0.1:54321` or `…/sub-path`. */
  url: string;
  /** Stops the server, closing open connections. */
  close(): Promise<void>;
}

/**
 * Serves `app` (an Express app, a Koa `app.callback()`, any Node request listener) on a free
 * port of 127.0.0.1, as `startServer` of {@link runAdapterSuite} needs it.
 *
 * @param app - The host app, with the adapter mounted.
 * @param mountPath - Where in `app` the adapter is mounted, when not at the root: `/sub-path`.
 *
 * @example
 * ```ts
 * runAdapterSuite('express', (handler) =>
 *   listenOnLoopback(express().use(createExpressRouter(handler)).use((req, res) => res.status(418).end())),
 * );
 * ```
 */
export async function listenOnLoopback(app: RequestListener, mountPath = ''): Promise<AdapterServer> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${mountPath}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Body limit of the suite's handler, small so 413s are cheap to provoke. */
const MAX_BODY_BYTES = 64 * 1024;
/** Budget of body bytes in flight of the suite's handler: four bodies of the largest size fill it. */
const MAX_BYTES_IN_FLIGHT = 4 * MAX_BODY_BYTES;

function authenticate(request: HttpRequest) {
  const match = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''));
  return (match && principals[match[1] ?? '']) ?? null;
}

/**
 * The black-box HTTP suite every Portico adapter must pass, over real sockets with Node's
 * `fetch`: every route and documented status (201, 200, 202, 400 with its field list, 401, 403,
 * 404, 405 with `Allow`, 409, 413, 429 with `Retry-After` and `RateLimit` headers, 503 `BUSY`),
 * an authorization matrix derived from `handler.routes`, raw-body fidelity of signed webhooks,
 * the three ways to present an API key, refusals answered before the body is read (while the
 * client is still sending), the key kept out of answers and logs, problem documents, the
 * OpenAPI document and docs page, and the boundary with the host's own routes.
 *
 * The suite builds its own in-memory gateway and handler (default prefix `/api/gateway`, body
 * limit 64 KiB, 256 KiB of body bytes in flight, bearer tokens `admin-token` and `pm-token`) and
 * hands the handler to `startServer` once. The server must mount the adapter at `url` and answer
 * **418** to any request the adapter passes on, so the suite can tell the host's answers from
 * Portico's.
 *
 * @param name - Names the `describe` block.
 * @param startServer - Starts the host app around the adapter, listening on 127.0.0.1.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { listenOnLoopback, runAdapterSuite } from '@portico/testing';
 * import { createExpressRouter } from '@portico/express';
 *
 * runAdapterSuite('express', (handler) =>
 *   listenOnLoopback(
 *     express()
 *       .use(createExpressRouter(handler))
 *       .use((req, res) => res.status(418).send('not portico')),
 *   ),
 * );
 * ```
 */
export function runAdapterSuite(name: string, startServer: (handler: HttpHandler) => Promise<AdapterServer>): void {
  describe(`adapter conformance: ${name}`, () => {
    // Built while collecting, so the authorization matrix can list the routes as tests.
    const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
    const handler = createHttpHandler(gateway, {
      authenticate,
      limits: { maxBodyBytes: MAX_BODY_BYTES, maxBytesInFlight: MAX_BYTES_IN_FLIGHT },
      logger: silentLogger,
    });
    let server: AdapterServer | undefined;
    let client: AdapterClient | undefined;
    const running = () => {
      if (!client) throw new Error('The adapter suite calls its server only inside a test.');
      return client;
    };

    beforeAll(async () => {
      server = await startServer(handler);
      client = createClient(server.url, handler.prefix);
    });

    afterAll(async () => {
      await server?.close();
      await gateway.stop();
    });

    contractTests(handler, running);
    accessTests(handler, running);
    adminTests(running);
    webhookTests(running);
    bodyTests(MAX_BODY_BYTES, () => `${server?.url ?? ''}${handler.prefix}`, running);
    earlyAnswerTests({ maxBodyBytes: MAX_BODY_BYTES, maxBytesInFlight: MAX_BYTES_IN_FLIGHT }, () => `${server?.url ?? ''}${handler.prefix}`, running);
  });
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback receiver of outbound notifications that counts what arrives, by `webhook-id`. */
export interface Receiver {
  readonly port: number;
  /** Requests per `webhook-id`, whatever they were answered. */
  readonly requests: Map<string, number>;
  /** 2xx answers per `webhook-id`: the deliveries the application took. */
  readonly accepted: Map<string, number>;
  /** Requests that came without a `webhook-id`. */
  readonly anonymous: number;
  /** Starts listening on `port`; until then a connection is refused, as by a receiver that is down. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** Answers the n-th request (from 1) for a `webhook-id` with an HTTP status. Default: 200. */
export type Answer = (webhookId: string, requestNumber: number) => number;

/**
 * A free loopback port: free a moment ago, and nothing here takes it since.
 *
 * @example
 * ```ts
 * const receiver = createReceiver(await freePort());
 * ```
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A receiver on `127.0.0.1:port`, not listening until `listen()`.
 *
 * @example
 * ```ts
 * const receiver = createReceiver(await freePort());
 * await receiver.listen();
 * ```
 */
export function createReceiver(port: number, answer: Answer = () => 200): Receiver {
  const requests = new Map<string, number>();
  const accepted = new Map<string, number>();
  let anonymous = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const id = request.headers['webhook-id'];
      if (typeof id !== 'string') {
        anonymous += 1;
        response.writeHead(400).end();
        return;
      }
      const count = (requests.get(id) ?? 0) + 1;
      requests.set(id, count);
      const status = answer(id, count);
      if (status >= 200 && status < 300) accepted.set(id, (accepted.get(id) ?? 0) + 1);
      response.writeHead(status).end();
    });
  });

  return {
    port,
    requests,
    accepted,
    get anonymous() {
      return anonymous;
    },
    listen: () => new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    }),
    close: () => new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

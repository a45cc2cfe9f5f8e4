import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the receiver got it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers its n-th request (from 0); it may also leave the response to later. */
export type Responder = (request: Received, response: ServerResponse, index: number) => void;

/** A `node:http` server on 127.0.0.1, the one address these tests connect to. */
export interface TestReceiver {
  url: string;
  /** Every request read in full, in order of arrival. */
  readonly requests: Received[];
  /** TCP connections accepted. */
  readonly connections: number;
  /** Replaces how it answers from now on. */
  respond(responder: Responder): void;
  /** Resolves when the n-th request (from 1) has arrived. */
  arrived(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Answers every request with `status`, and `headers`. */
export const answer =
  (status: number, headers: Record<string, string> = {}): Responder =>
  (_request, response) =>
    response.writeHead(status, headers).end();

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/** Starts a receiver on 127.0.0.1 and an ephemeral port; it answers 200 until told otherwise. */
export async function startReceiver(responder: Responder = answer(200)): Promise<TestReceiver> {
  const requests: Received[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  let current = responder;
  let connections = 0;

  const server = createServer(async (request, response) => {
    const received = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: await readBody(request) };
    requests.push(received);
    for (const waiter of waiters.filter((w) => w.count <= requests.length)) waiter.resolve();
    current(received, response, requests.length - 1);
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    respond(next) {
      current = next;
    },
    arrived(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

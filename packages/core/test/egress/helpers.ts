import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { buildConnector } from 'undici';
import type { EgressLookup } from '../../src/egress/guarded-connector';

/** A lookup answering from a table, as a resolver would (case and a trailing dot ignored); it counts its calls. */
export function tableLookup(table: Record<string, readonly string[]>): EgressLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = (hostname: string, _options: { all: true }, callback: Parameters<EgressLookup>[2]): void => {
    calls.push(hostname);
    const answers = table[hostname.toLowerCase().replace(/\.$/, '')];
    if (answers === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    const addresses: LookupAddress[] = answers.map((address) => ({ address, family: isIP(address) }));
    setImmediate(() => callback(null, addresses));
  };
  return Object.assign(lookup, { calls });
}

/** A connector that records where it was asked to connect and connects nowhere. */
export function recordingConnector(): { connector: buildConnector.connector; calls: buildConnector.Options[] } {
  const calls: buildConnector.Options[] = [];
  const connector: buildConnector.connector = (options, callback) => {
    calls.push(options);
    callback(new Error('recorded, not connected'), null);
  };
  return { connector, calls };
}

/** A server on loopback that counts the TCP connections it accepts. */
export interface Receiver<T extends NetServer = Server> {
  port: number;
  url: string;
  server: T;
  readonly connections: number;
  close(): Promise<void>;
}

export function startReceiver(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Receiver> {
  return listen(createServer(handler), 'http');
}

export async function listen<T extends NetServer>(server: T, scheme: string): Promise<Receiver<T>> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    server,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The rejection of `promise`, which must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

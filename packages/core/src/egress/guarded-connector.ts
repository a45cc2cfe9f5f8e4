import dns, { type LookupAddress } from 'node:dns';
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import { PorticoError } from '../errors';
import { egressDenied } from './egress-denied';
import { checkAddress, checkHostAndPort, type EgressDecision, type EgressPolicy } from './egress-policy';
import { parseIpAddress } from './ip-address';

/**
 * Resolves a host name to all its addresses: the signature of `dns.lookup` called with
 * `{ all: true }`, so `dns.lookup` itself fits and tests can map names to addresses.
 *
 * @example
 * ```ts
 * const lookup: EgressLookup = (hostname, options, callback) =>
 *   callback(null, [{ address: '10.0.0.5', family: 4 }]);
 * ```
 */
export type EgressLookup = (
  hostname: string,
  options: { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** Options of {@link createGuardedConnector}. */
export interface GuardedConnectorOptions {
  policy: EgressPolicy;
  /** Default `dns.lookup`. */
  lookup?: EgressLookup;
  /** How long a lookup may take, in milliseconds. Default 10 000. */
  lookupTimeoutMs?: number;
  /**
   * Opens sockets, once their address has passed the policy; every socket it returns is checked
   * again. Default: undici's `buildConnector()`.
   */
  connector?: buildConnector.connector;
}

const DEFAULT_LOOKUP_TIMEOUT_MS = 10_000;

/**
 * An undici `connect` function that enforces an {@link EgressPolicy} on the address actually
 * connected to:
 *
 * 1. the host and port must be allowed before the name is resolved;
 * 2. the name is resolved once, and every answer must be allowed;
 * 3. the socket connects to that checked address, so a second, rebound resolution cannot slip in;
 * 4. the connected socket's `remoteAddress` is checked before a byte is written. For `https:`
 *    the TCP connection is checked first and TLS starts on it afterwards, so not even a
 *    ClientHello goes to a refused peer. The name still drives SNI and certificate checks.
 *
 * A refusal fails the connection with `EGRESS_DENIED`. A `socketPath` is never accepted.
 *
 * @example
 * ```ts
 * import { Agent } from 'undici';
 *
 * const agent = new Agent({ connect: createGuardedConnector({ policy: createEgressPolicy() }) });
 * ```
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { policy, lookup = dns.lookup, lookupTimeoutMs = DEFAULT_LOOKUP_TIMEOUT_MS } = options;
  const connector = options.connector ?? buildConnector({});

  async function resolveChecked(host: string): Promise<string> {
    const literal = parseIpAddress(host) !== undefined;
    const answers = literal ? [host] : await lookupAll(lookup, host, lookupTimeoutMs);
    if (answers.length === 0) throw new PorticoError('UPSTREAM_UNAVAILABLE', `${host} resolves to no address.`);
    // One denied answer refuses the name, rather than narrowing it to the allowed answers:
    // mixing an internal address into a public name's answers is how DNS rebinding probes,
    // and "connect to whichever passed" would leave the outcome to answer order. Refusing
    // also shows the operator the bad record instead of hiding it.
    for (const address of answers) refuseUnless(host, checkAddress(policy, address));
    return answers[0]!;
  }

  async function connectChecked(target: buildConnector.Options): Promise<Socket> {
    const host = target.hostname;
    if (target.socketPath != null) throw egressDenied(host, 'a socket path is never accepted');
    const defaultPort = target.protocol === 'https:' ? 443 : 80;
    const port = target.port === '' ? defaultPort : Number(target.port);
    refuseUnless(host, checkHostAndPort(policy, host, port));
    const address = await resolveChecked(host);
    const socket = await open(connector, {
      hostname: address,
      protocol: 'http:',
      port: String(port),
      localAddress: target.localAddress ?? null,
    });
    const remote = checkAddress(policy, socket.remoteAddress ?? 'an unknown address');
    if (!remote.allowed) {
      socket.destroy();
      throw egressDenied(host, `the connected peer ${remote.reason}`);
    }
    if (target.protocol !== 'https:') return socket;
    try {
      return await open(connector, { ...target, hostname: address, port: String(port), httpSocket: socket });
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  return (target, callback) => {
    connectChecked(target).then(
      (socket) => callback(null, socket),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

function refuseUnless(host: string, decision: EgressDecision): void {
  if (!decision.allowed) throw egressDenied(host, decision.reason);
}

function open(connector: buildConnector.connector, target: buildConnector.Options): Promise<Socket> {
  return new Promise((resolve, reject) => {
    connector(target, (error, socket) => (error === null ? resolve(socket) : reject(error)));
  });
}

function lookupAll(lookup: EgressLookup, host: string, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PorticoError('UPSTREAM_UNAVAILABLE', `Looking up ${host} took longer than ${timeoutMs} ms.`)),
      timeoutMs,
    ).unref();
    lookup(host, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(addresses.map((answer) => answer.address));
    });
  });
}

import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { PorticoError } from '../errors';
import type { EgressPolicy } from './egress-policy';
import { createGuardedConnector, type EgressLookup } from './guarded-connector';

/** Options of {@link createEgressClient}. Durations in milliseconds. */
export interface EgressClientOptions {
  policy: EgressPolicy;
  /** Default `dns.lookup`. */
  lookup?: EgressLookup;
  tls?: {
    /**
     * PEM certificates of the operator's own CAs (on-premises PKI), trusted in addition to
     * Node's bundled roots (`tls.rootCertificates`), so public CAs keep working. When it is set,
     * `NODE_EXTRA_CA_CERTS` no longer applies: Node replaces its whole store, so put those here.
     */
    ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  };
  /** Resolving the name, and then opening the TCP and TLS connection, each. Default 10 000. */
  connectTimeoutMs?: number;
  /** From the request sent to the complete response headers. Default 30 000. */
  headersTimeoutMs?: number;
  /** Longest pause between two chunks of the response body. Default 30 000. */
  bodyTimeoutMs?: number;
  /** Response body bytes kept; the rest is not read, and the connection is closed. Default 64 KiB. */
  maxResponseBytes?: number;
  /**
   * Opens sockets once the policy has passed their address; each one is checked again. Default:
   * undici's `buildConnector` with `tls.ca` and `connectTimeoutMs`; one given here ignores both.
   */
  connector?: buildConnector.connector;
}

/** One outbound request. */
export interface EgressRequest {
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Deadline of the whole exchange, connection to last body byte, in milliseconds. */
  timeoutMs?: number;
}

/** A response, its body cut at `maxResponseBytes`. */
export interface EgressResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body's first `maxResponseBytes` bytes, decoded as UTF-8. */
  body: string;
  /** True when the body was longer than `maxResponseBytes`. */
  truncated: boolean;
  durationMs: number;
}

/** An HTTP client that only goes where its {@link EgressPolicy} allows. */
export interface EgressClient {
  /**
   * Sends one request and reads its response. Redirects are returned, never followed.
   *
   * @throws PorticoError `VALIDATION_FAILED` for a URL that is not plain http(s),
   *   `EGRESS_DENIED` when the policy refuses it, `UPSTREAM_UNAVAILABLE` when the network fails.
   */
  request(url: string | URL, request: EgressRequest): Promise<EgressResponse>;
  /** Closes the pooled connections once in-flight requests are done. */
  close(): Promise<void>;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxResponseBytes: 64 * 1024,
};

/** What each transport failure means, for messages an operator can act on. */
const failures: Record<string, string> = {
  TimeoutError: 'no complete response before the deadline',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  EHOSTUNREACH: 'the host is unreachable',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
};

/**
 * An HTTP client for outbound notifications: every connection passes the egress policy on the
 * address actually connected to (see {@link createGuardedConnector}), TLS is verified, redirects
 * are not followed, and response bodies are read up to a cap. Connections are pooled.
 *
 * @example
 * ```ts
 * const client = createEgressClient({
 *   policy: createEgressPolicy(),
 *   tls: { ca: readFileSync('/etc/pki/corp-ca.pem', 'utf8') },
 * });
 * const response = await client.request('https://hooks.corp.example/portico', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ event: 'ticket.created' }),
 *   timeoutMs: 15_000,
 * });
 * await client.close();
 * ```
 */
export function createEgressClient(options: EgressClientOptions): EgressClient {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  const extraCa = options.tls?.ca === undefined ? [] : [options.tls.ca].flat();
  const connector =
    options.connector ??
    buildConnector({ timeout: connectTimeoutMs, ...(extraCa.length > 0 && { ca: [...rootCertificates, ...extraCa] }) });
  const agent = new Agent({
    connect: createGuardedConnector({ ...options, lookupTimeoutMs: connectTimeoutMs, connector }),
    headersTimeout: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
  });

  return {
    async request(url, { method, headers, body, timeoutMs }) {
      const target = parseOutboundUrl(url);
      const startedMs = performance.now();
      try {
        const response = await agent.request({
          origin: target.origin,
          path: target.pathname + target.search,
          method,
          headers,
          body,
          signal: timeoutMs === undefined ? null : AbortSignal.timeout(timeoutMs),
        });
        const read = await readCapped(response.body, maxResponseBytes);
        return {
          statusCode: response.statusCode,
          headers: response.headers,
          body: read.text,
          truncated: read.truncated,
          durationMs: performance.now() - startedMs,
        };
      } catch (error) {
        throw asTransportError(error, `${method} ${target.origin}`);
      }
    },
    close: () => agent.close(),
  };
}

/**
 * The URL, if it is plain http(s): no other scheme, no credentials before the host. The URL
 * itself stays out of messages, as it may hold secrets.
 */
function parseOutboundUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl('is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidUrl(`must use http: or https:, not ${parsed.protocol}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalidUrl('must not carry credentials before its host (user:password@): send them in a header');
  }
  return parsed;
}

function invalidUrl(problem: string): PorticoError {
  return new PorticoError('VALIDATION_FAILED', `The outbound URL ${problem}.`);
}

interface CappedBody {
  text: string;
  truncated: boolean;
}

/** Reads at most `maxBytes`, so a huge or endless body costs no more than that. */
async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      // Leaving the loop destroys the body; undici then closes the connection instead of reading on.
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function asTransportError(error: unknown, exchange: string): PorticoError {
  if (error instanceof PorticoError) return error;
  const code = errorCode(error);
  const tls = /CERT|^UNABLE_TO_|^ERR_TLS|^ERR_SSL/.test(code);
  const what = failures[code] ?? (tls ? 'TLS verification failed' : 'the request failed');
  return new PorticoError('UPSTREAM_UNAVAILABLE', `${exchange} failed: ${what} (${code}).`, { cause: error });
}

function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : error.name;
}

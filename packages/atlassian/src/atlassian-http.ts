import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { AtlassianRemoteError, remoteError, type AtlassianService } from './remote-errors';
import { parseRetryAfter } from './retry';

/**
 * How to sign in: Cloud takes an account's email with an API token (HTTP Basic); Data Center
 * takes a personal access token (Bearer).
 */
export type AtlassianAuth = { email: string; apiToken: string } | { personalAccessToken: string };

/** Cloud (`*.atlassian.net`, newest APIs) or Data Center (self-managed, older APIs). */
export type AtlassianDeployment = 'cloud' | 'datacenter';

/** Transport options shared by the Jira and Confluence clients. */
export interface AtlassianHttpOptions {
  /** Where to send requests, e.g. `https://acme.atlassian.net`. Must be `https:` except on loopback. */
  baseUrl: string;
  auth: AtlassianAuth;
  /**
   * The undici dispatcher requests go through: a `ProxyAgent`, an agent with the operator's CA,
   * or an egress-guarded agent. Default: undici's global dispatcher (TLS verified).
   */
  dispatcher?: Dispatcher;
  /** Deadline of each request, from connecting to the last body byte, in milliseconds. Default 10 000. */
  timeoutMs?: number;
}

/** One request to an Atlassian REST API. */
export interface AtlassianCall {
  method: 'GET' | 'POST' | 'PUT';
  /** Appended to the base URL, e.g. `/rest/api/3/issue`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/**
 * Sends a request to one Atlassian site and returns its JSON checked against `schema` (an empty
 * body is `undefined`), or throws {@link AtlassianRemoteError}.
 */
export type AtlassianHttp = <S extends z.ZodType>(call: AtlassianCall, schema: S) => Promise<z.output<S>>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The Cloud-or-Data-Center guess when none is given: Basic credentials are Cloud's, a personal
 * access token is Data Center's.
 *
 * @example
 * ```ts
 * deploymentOf({ personalAccessToken: process.env.JIRA_TOKEN! }); // 'datacenter'
 * ```
 */
export function deploymentOf(auth: AtlassianAuth): AtlassianDeployment {
  return 'personalAccessToken' in auth ? 'datacenter' : 'cloud';
}

function authorization(auth: AtlassianAuth): string {
  if ('personalAccessToken' in auth) return `Bearer ${auth.personalAccessToken}`;
  return `Basic ${Buffer.from(`${auth.email}:${auth.apiToken}`).toString('base64')}`;
}

function parseBaseUrl(service: AtlassianService, baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`${service} baseUrl is not a URL.`);
  }
  // Credentials travel on every request: never in clear text, except to a local test server.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new TypeError(`${service} baseUrl must use https.`);
  }
  return url;
}

function transportMessage(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'no answer in time';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connecting timed out';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host';
  return 'the connection failed';
}

/**
 * Creates the JSON transport of one Atlassian site: authentication header, timeouts, an
 * injectable dispatcher, and every non-2xx answer turned into an {@link AtlassianRemoteError}
 * whose message never holds the credentials.
 *
 * @example
 * ```ts
 * const http = createAtlassianHttp('Jira', { baseUrl: 'https://acme.atlassian.net', auth: { email, apiToken } });
 * const me = await http({ method: 'GET', path: '/rest/api/3/myself' }, z.object({ accountId: z.string() }));
 * ```
 */
export function createAtlassianHttp(service: AtlassianService, options: AtlassianHttpOptions): AtlassianHttp {
  const base = parseBaseUrl(service, options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const header = authorization(options.auth);
  const timeoutMs = options.timeoutMs ?? 10_000;

  function decode<S extends z.ZodType>(statusCode: number, text: string, schema: S): z.output<S> {
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new AtlassianRemoteError(`${service} answered ${statusCode} with a body that is not JSON.`, { service, remoteStatus: statusCode });
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new AtlassianRemoteError(`${service} answered ${statusCode} with an unexpected shape.`, { service, remoteStatus: statusCode });
  }

  return async <S extends z.ZodType>(call: AtlassianCall, schema: S): Promise<z.output<S>> => {
    const url = new URL(base.origin);
    url.pathname = `${basePath}${call.path}`;
    for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', authorization: header };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response: Dispatcher.ResponseData;
    // undici's request() does not follow redirects, so credentials never go to another host.
    try {
      response = await request(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        dispatcher: options.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AtlassianRemoteError(`${service} could not be reached: ${transportMessage(error)}.`, { service, cause: error });
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw new AtlassianRemoteError(`${service} could not be reached: ${transportMessage(error)}.`, { service, cause: error });
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return decode(response.statusCode, text, schema);
    const retryAfter = response.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now());
    throw remoteError(service, response.statusCode, text, retryAfterMs);
  };
}

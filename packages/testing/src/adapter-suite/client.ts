import type { Principal } from '@portico/core';

/**
 * The bearer tokens the suite's `authenticate` knows, and who they stand for.
 *
 * @example
 * ```ts
 * principals['pm-token']; // { id: 'pm', roles: ['PM'] }
 * ```
 */
export const principals: Record<string, Principal> = {
  'admin-token': { id: 'admin', roles: ['ADMIN'] },
  'pm-token': { id: 'pm', roles: ['PM'] },
};

/** One answer, read in full. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; the caller states the shape it expects. */
  json<T = Record<string, unknown>>(): T;
}

/** How a test calls. */
export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: 'admin-token' | 'pm-token';
  /** Serialised as JSON, with its content type. */
  json?: unknown;
  /** Sent as it is; an async iterable goes out chunked, with no `content-length`. */
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  headers?: Record<string, string>;
}

/** A fetch client bound to where the adapter is mounted. */
export interface AdapterClient {
  /** Calls `path` under the handler's prefix. */
  api(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Calls `path` relative to the mount point, without the prefix. */
  host(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Where the adapter is mounted in the host's URL space: `''` at the root, or `/sub-path`. */
  readonly mountPath: string;
}

/**
 * A client for the server at `baseUrl` (where the adapter is mounted) serving `prefix`.
 *
 * @example
 * ```ts
 * const client = createClient('http://127.0.0.1:3000', '/api/gateway');
 * const stats = await client.api('GET', '/stats', { token: 'admin-token' });
 * ```
 */
export function createClient(baseUrl: string, prefix: string): AdapterClient {
  async function host(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    const streamed = body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body,
      // Without it fetch refuses a streamed body; with it the body goes out chunked.
      ...(streamed ? { duplex: 'half' } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  }
  return { host, api: (method, path, options) => host(method, `${prefix}${path}`, options), mountPath: new URL(baseUrl).pathname.replace(/\/$/, '') };
}

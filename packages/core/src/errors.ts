/**
 * Every error code Portico raises, with the HTTP status it maps to.
 *
 * @example
 * ```ts
 * errorStatus.RATE_LIMITED; // 429
 * new PorticoError('NOT_FOUND', 'No such integration.').status === errorStatus.NOT_FOUND; // true
 * ```
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  INTEGRATION_DISABLED: 400,
  NO_ENDPOINT: 400,
  EGRESS_DENIED: 400,
  INVALID_API_KEY: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SIGNATURE_INVALID: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VERSION_CONFLICT: 409,
  WEBHOOK_REPLAYED: 409,
  DELIVERY_NOT_FAILED: 409,
  EVENT_NOT_FAILED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 503,
  BODY_ALREADY_CONSUMED: 503,
  BUSY: 503,
} as const;

/** A typed error code; see {@link errorStatus} for the status of each. */
export type PorticoErrorCode = keyof typeof errorStatus;

/** One failing input field, as listed in a validation problem. */
export interface FieldIssue {
  /** Dotted path to the field, e.g. `headers.Authorization` or `rate_limit`. */
  path: string;
  message: string;
}

/** RFC 9457 problem details, as Portico sends them (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  /** The human message; FastAPI clients read it as they read `{"detail": ...}`. */
  detail: string;
  code: PorticoErrorCode;
  errors?: FieldIssue[];
}

/** Options for {@link PorticoError}. */
export interface PorticoErrorOptions {
  /** Failing fields of a validation error. */
  fields?: FieldIssue[];
  /** For `RATE_LIMITED` and `BUSY`: how long the caller should wait, in milliseconds. */
  retryAfterMs?: number;
  /** For `RATE_LIMITED`: the quota that refused the request, for `RateLimit` headers. */
  rateLimit?: RateLimitInfo;
  cause?: unknown;
}

/** A quota and where a caller stands in it. */
export interface RateLimitInfo {
  /** Requests admitted per window. */
  limit: number;
  windowMs: number;
  /** Requests still admitted in the current window. */
  remaining: number;
  /** Until the quota is fully restored, in milliseconds. */
  resetMs: number;
  /** The quota's name in `RateLimit` headers, e.g. `send`. Default `webhook`. */
  policy?: string;
}

const titles: Record<PorticoErrorCode, string> = {
  VALIDATION_FAILED: 'Invalid request',
  INTEGRATION_DISABLED: 'Integration disabled',
  NO_ENDPOINT: 'No endpoint configured',
  EGRESS_DENIED: 'Egress denied',
  INVALID_API_KEY: 'Invalid API key',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  SIGNATURE_INVALID: 'Invalid signature',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  VERSION_CONFLICT: 'Concurrent modification',
  WEBHOOK_REPLAYED: 'Webhook replayed',
  DELIVERY_NOT_FAILED: 'Delivery not failed',
  EVENT_NOT_FAILED: 'Event not failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  RATE_LIMITED: 'Rate limit exceeded',
  INTERNAL: 'Internal error',
  UPSTREAM_UNAVAILABLE: 'Upstream unavailable',
  BODY_ALREADY_CONSUMED: 'Request body already consumed',
  BUSY: 'Too many requests in flight',
};

/**
 * The one error class of Portico: a typed `code`, the HTTP `status` it maps to, and a
 * message safe to show to the caller.
 *
 * @example
 * ```ts
 * import { PorticoError } from '@portico/core';
 *
 * try {
 *   await gateway.receiveWebhook({ key, headers, rawBody });
 * } catch (error) {
 *   if (error instanceof PorticoError && error.code === 'RATE_LIMITED') {
 *     console.log(`retry in ${error.retryAfterMs} ms`);
 *   }
 * }
 * ```
 */
export class PorticoError extends Error {
  override readonly name = 'PorticoError';
  readonly code: PorticoErrorCode;
  readonly status: number;
  readonly fields: FieldIssue[] | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rateLimit: RateLimitInfo | undefined;

  constructor(code: PorticoErrorCode, message: string, options: PorticoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = errorStatus[code];
    this.fields = options.fields;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimit = options.rateLimit;
  }

  /**
   * Turns anything thrown into a `PorticoError`. A foreign error becomes `INTERNAL` with a
   * generic message: its own message may hold internals (SQL, paths, secrets) and is kept only
   * as `cause`, for the host's logger.
   *
   * @example
   * ```ts
   * const problem = PorticoError.from(caught).toProblem();
   * ```
   */
  static from(error: unknown): PorticoError {
    if (error instanceof PorticoError) return error;
    return new PorticoError('INTERNAL', 'An unexpected error occurred.', { cause: error });
  }

  /**
   * The RFC 9457 problem document for this error.
   *
   * @example
   * ```ts
   * new PorticoError('NOT_FOUND', "Integration 'GW-0000AAAA' not found.").toProblem();
   * // { type: 'urn:portico:error:not-found', title: 'Not found', status: 404, ... }
   * ```
   */
  toProblem(): ProblemDetails {
    const problem: ProblemDetails = {
      type: `urn:portico:error:${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: titles[this.code],
      status: this.status,
      detail: this.message,
      code: this.code,
    };
    if (this.fields) problem.errors = this.fields;
    return problem;
  }
}

/**
 * True when `error` is a {@link PorticoError}, optionally of the given code.
 *
 * @example
 * ```ts
 * if (isPorticoError(error, 'NOT_FOUND')) return null;
 * ```
 */
export function isPorticoError(error: unknown, code?: PorticoErrorCode): error is PorticoError {
  return error instanceof PorticoError && (code === undefined || error.code === code);
}

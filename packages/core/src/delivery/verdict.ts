import { PorticoError } from '../errors';

/**
 * What one attempt means for its delivery:
 * - `delivered`: the receiver took it (2xx);
 * - `retry`: it may work later (no answer, 408, 429, 5xx, or a redirect, which is never followed);
 * - `failed`: it will not work however often it is sent (other 4xx, a refused or invalid URL);
 * - `gone`: the receiver said the endpoint is gone for good (410): failed, and the integration is failing.
 */
export type Verdict = 'delivered' | 'retry' | 'failed' | 'gone';

/**
 * The verdict on an HTTP answer.
 *
 * @example
 * ```ts
 * judgeStatus(204); // 'delivered'
 * judgeStatus(302); // 'retry'
 * judgeStatus(404); // 'failed'
 * ```
 */
export function judgeStatus(statusCode: number): Verdict {
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 410) return 'gone';
  if (statusCode >= 300 && statusCode < 400) return 'retry';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return 'retry';
  return 'failed';
}

/**
 * The verdict on an attempt that got no answer: the policy's refusal and an invalid URL stay
 * as they are until an operator changes something; anything else may pass.
 *
 * @example
 * ```ts
 * judgeError(new PorticoError('EGRESS_DENIED', 'Egress to 127.0.0.1 refused: …')); // 'failed'
 * judgeError(new PorticoError('UPSTREAM_UNAVAILABLE', 'POST … failed: …'));          // 'retry'
 * ```
 */
export function judgeError(error: unknown): Verdict {
  const permanent = error instanceof PorticoError && (error.code === 'EGRESS_DENIED' || error.code === 'VALIDATION_FAILED');
  return permanent ? 'failed' : 'retry';
}

/**
 * The text recorded for an attempt that got no answer: the code, then the message. An
 * unexpected error's own message may hold internals, so it is not shown.
 *
 * @example
 * ```ts
 * describeFailure(new PorticoError('EGRESS_DENIED', 'Egress to 127.0.0.1 refused: …'));
 * // 'EGRESS_DENIED: Egress to 127.0.0.1 refused: …'
 * ```
 */
export function describeFailure(error: unknown): string {
  const portico = PorticoError.from(error);
  return `${portico.code}: ${portico.message}`;
}

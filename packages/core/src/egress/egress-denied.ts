import { PorticoError } from '../errors';

/**
 * The error of an outbound request the egress policy refuses, naming the host and, in `reason`,
 * the refused address. Its code, `EGRESS_DENIED`, tells it apart from a network failure.
 *
 * @example
 * ```ts
 * throw egressDenied('metadata.internal', '169.254.169.254 is in denied range 169.254.0.0/16');
 * // PorticoError: Egress to metadata.internal refused: 169.254.169.254 is in denied range 169.254.0.0/16.
 * ```
 */
export function egressDenied(host: string, reason: string): PorticoError {
  return new PorticoError('EGRESS_DENIED', `Egress to ${host} refused: ${reason}.`);
}

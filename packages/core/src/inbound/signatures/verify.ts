import type { SignatureScheme } from '../../model';
import { verifyGithubSignature } from './github';
import { verifyLegacySignature } from './legacy';
import { verifyStandardSignature } from './standard';
import type { SignatureInput, SignatureResult } from './types';

const verifiers: Record<SignatureScheme, (input: SignatureInput) => SignatureResult> = {
  standard: verifyStandardSignature,
  github: verifyGithubSignature,
  legacy: verifyLegacySignature,
};

/**
 * Verifies an inbound webhook's signature over its raw body by the integration's scheme
 * (`standard`, `github` or `legacy`). A refusal says why; on success a `standard` message also
 * yields its id, which the caller remembers to refuse replays.
 *
 * @throws PorticoError `INTERNAL` when the secret cannot sign under the scheme (see
 * {@link isValidWebhookSecret}): a configuration fault, not the sender's.
 * @example
 * ```ts
 * const result = verifySignature(integration.signatureScheme, {
 *   secret,
 *   headers: request.headers,
 *   rawBody: request.rawBody,
 *   nowMs: clock.now(),
 * });
 * if (!result.ok) throw new PorticoError('SIGNATURE_INVALID', 'Webhook signature verification failed.');
 * ```
 */
export function verifySignature(scheme: SignatureScheme, input: SignatureInput): SignatureResult {
  return verifiers[scheme](input);
}

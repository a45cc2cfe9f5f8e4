import { verifyHubSignature, type HubScheme } from './hub-signature';
import type { SignatureInput, SignatureResult } from './types';

const github: HubScheme = { prefix: 'required', hmacKey: (secret) => secret };

/**
 * Verifies GitHub's `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the body keyed with the
 * secret's UTF-8 bytes. No replay protection: GitHub signs neither an id nor a time.
 *
 * @throws PorticoError `INTERNAL` when the secret is empty.
 * @example
 * ```ts
 * const result = verifyGithubSignature({ secret, headers, rawBody, nowMs: Date.now() });
 * ```
 */
export function verifyGithubSignature(input: SignatureInput): SignatureResult {
  return verifyHubSignature(input, github);
}

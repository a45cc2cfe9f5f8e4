import { createHash } from 'node:crypto';
import { verifyHubSignature, type HubScheme } from './hub-signature';
import type { SignatureInput, SignatureResult } from './types';

/* The original kept only sha256(secret).hexdigest() and, having nothing else, keyed with it. */
const legacy: HubScheme = {
  prefix: 'optional',
  hmacKey: (secret) => createHash('sha256').update(secret).digest('hex'),
};

/**
 * Verifies the original Python router's signatures, for senders built against it: the same
 * `X-Hub-Signature-256` header, `sha256=` optional (it used `removeprefix`), but the HMAC key is
 * the UTF-8 of the lower-case hex SHA-256 of the secret. Unlike the original, a missing header
 * is refused. No replay protection.
 *
 * @throws PorticoError `INTERNAL` when the secret is empty.
 * @example
 * ```ts
 * const result = verifyLegacySignature({ secret, headers, rawBody, nowMs: Date.now() });
 * ```
 */
export function verifyLegacySignature(input: SignatureInput): SignatureResult {
  return verifyHubSignature(input, legacy);
}

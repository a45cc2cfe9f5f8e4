import { randomBytes } from 'node:crypto';
import type { SignatureScheme } from '../../model';
import { standardSecretKey } from './standard';

const SECRET_BYTES = 32;

/**
 * A new signing secret: `whsec_` and the base64 of 32 random bytes. Valid for every scheme
 * (`github` and `legacy` key with the whole text).
 *
 * @example
 * ```ts
 * generateWebhookSecret(); // 'whsec_q3v…' (50 characters)
 * ```
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * True when `secret` can sign under `scheme`: for `standard`, `whsec_` (optional) and padded
 * base64 of at least one byte; for the others, any non-empty text. Check it when a secret is set,
 * since verification throws on an unusable secret.
 *
 * @example
 * ```ts
 * isValidWebhookSecret('standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'); // true
 * isValidWebhookSecret('standard', 'my-shared-secret');                       // false
 * isValidWebhookSecret('github', 'my-shared-secret');                         // true
 * ```
 */
export function isValidWebhookSecret(scheme: SignatureScheme, secret: string): boolean {
  return scheme === 'standard' ? standardSecretKey(secret) !== null : secret !== '';
}

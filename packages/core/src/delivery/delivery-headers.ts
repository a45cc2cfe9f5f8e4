import { createHash, createHmac } from 'node:crypto';
import type { SecretOpener } from '../crypto/cached-opener';
import { signStandardWebhook } from '../inbound/signatures/standard';
import type { SignatureScheme } from '../model';
import type { IntegrationRecord } from '../storage/records';

/** Portico's name on every outbound request. */
export const USER_AGENT = 'Portico';

/**
 * An integration's custom outbound headers with their real values (the record shows them
 * masked), names in lower case so Portico's own headers replace any of the same name.
 *
 * @throws PorticoError `INTERNAL` when the sealed headers cannot be opened with the key ring.
 * @example
 * ```ts
 * customHeaders(cachedOpener(keyRing), record); // { authorization: 'Bearer real-token' }
 * ```
 */
export function customHeaders(open: SecretOpener, record: IntegrationRecord): Record<string, string> {
  if (record.sealedHeaders === null) return {};
  const opened = open(record.sealedHeaders, { recordId: record.id, purpose: 'headers' });
  const headers = JSON.parse(opened) as Record<string, string>;
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

const hubSignature = (key: string, body: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

/**
 * The header that signs `body` by an integration's scheme, as its inbound side verifies it:
 * `standard` → `webhook-signature` over id, timestamp and body; `github` →
 * `x-hub-signature-256` keyed with the secret; `legacy` → the same header keyed with the hex
 * SHA-256 of the secret, as the original router did.
 *
 * @example
 * ```ts
 * signatureHeader('github', secret, { id: 'msg_1', timestampSeconds: 1767225600, body });
 * // { 'x-hub-signature-256': 'sha256=…' }
 * ```
 */
export function signatureHeader(
  scheme: SignatureScheme,
  secret: string,
  message: { id: string; timestampSeconds: number; body: string },
): Record<string, string> {
  switch (scheme) {
    case 'standard':
      return { 'webhook-signature': signStandardWebhook({ secret, ...message })['webhook-signature'] };
    case 'github':
      return { 'x-hub-signature-256': hubSignature(secret, message.body) };
    case 'legacy':
      return { 'x-hub-signature-256': hubSignature(createHash('sha256').update(secret).digest('hex'), message.body) };
  }
}

/**
 * Everything one attempt sends besides the body: the custom headers, the JSON type, the
 * `webhook-id` (the delivery's id, the same on every retry, so receivers can de-duplicate), this
 * attempt's `webhook-timestamp`, and the signature when the integration has a secret.
 *
 * @example
 * ```ts
 * const headers = deliveryHeaders(cachedOpener(keyRing), integration, { id: delivery.id, timestampSeconds, body: delivery.body });
 * ```
 */
export function deliveryHeaders(
  open: SecretOpener,
  integration: IntegrationRecord,
  message: { id: string; timestampSeconds: number; body: string },
): Record<string, string> {
  const headers: Record<string, string> = {
    ...customHeaders(open, integration),
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestampSeconds),
  };
  const { sealedSecret, signatureScheme } = integration;
  if (sealedSecret === null || signatureScheme === null) return headers;
  const secret = open(sealedSecret, { recordId: integration.id, purpose: 'secret' });
  return { ...headers, ...signatureHeader(signatureScheme, secret, message) };
}

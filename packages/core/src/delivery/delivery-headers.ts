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

/* The signature headers of `message`, none without a secret; see `deliveryHeaders` for which. */
function signatureHeaders(
  open: SecretOpener,
  integration: IntegrationRecord,
  message: { id: string; timestampSeconds: number; body: string },
  nowMs: number,
): Record<string, string> {
  const { sealedSecret, signatureScheme, previousSealedSecret, previousSignatureScheme, previousSecretExpiresAt } = integration;
  if (sealedSecret === null || signatureScheme === null) return {};
  const current = signatureHeader(signatureScheme, open(sealedSecret, { recordId: integration.id, purpose: 'secret' }), message);
  if (previousSealedSecret === null || previousSignatureScheme === null || !((previousSecretExpiresAt ?? 0) > nowMs)) return current;
  const previousSecret = open(previousSealedSecret, { recordId: integration.id, purpose: 'previous-secret' });
  const previous = signatureHeader(previousSignatureScheme, previousSecret, message);
  const headers = { ...previous, ...current };
  const [currentList, previousList] = [current['webhook-signature'], previous['webhook-signature']];
  if (currentList !== undefined && previousList !== undefined) headers['webhook-signature'] = `${currentList} ${previousList}`;
  return headers;
}

/**
 * Everything one attempt sends besides the body: the custom headers, the JSON type, the
 * `webhook-id` (the delivery's id, the same on every retry, so receivers can de-duplicate), this
 * attempt's `webhook-timestamp`, and the signature when the integration has a secret.
 *
 * During a rotation's grace period (see `rotateSecret`) the replaced secret signs too, under its
 * own scheme, so receivers can switch secrets at their own pace: `webhook-signature`
 * (`standard`) is a space-separated list and carries both, the current first. But
 * `x-hub-signature-256` (`github`, `legacy`) holds one signature, so a `github` or `legacy`
 * integration signs with its new secret only; a replaced `github` or `legacy` secret signs there
 * only when the new scheme is `standard` and leaves that header free.
 *
 * @example
 * ```ts
 * const headers = deliveryHeaders(cachedOpener(keyRing), integration, { id: delivery.id, timestampSeconds, body: delivery.body }, clock.now());
 * ```
 */
export function deliveryHeaders(
  open: SecretOpener,
  integration: IntegrationRecord,
  message: { id: string; timestampSeconds: number; body: string },
  nowMs: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...customHeaders(open, integration),
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestampSeconds),
  };
  return Object.assign(headers, signatureHeaders(open, integration, message, nowMs));
}

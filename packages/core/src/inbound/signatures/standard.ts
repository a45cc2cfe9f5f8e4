import { createHmac } from 'node:crypto';
import { digestsEqual } from '../../crypto/digests-equal';
import { decodeBase64 } from '../../crypto/encoding';
import { PorticoError } from '../../errors';
import { boundedMemo } from '../../mask/bounded-memo';
import { listHeader, singleHeader } from './headers';
import { refused, type SignatureInput, type SignatureResult } from './types';

/* Standard Webhooks (https://www.standardwebhooks.com), as the `standardwebhooks` package reads it. */

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 300;
/* Caps keep a hostile header from costing more than a few signatures' work. */
const MAX_SIGNATURES = 16;
const MAX_SIGNATURE_HEADER_CHARS = 2048;
const MAX_ID_CHARS = 256;
/* Whole seconds, no sign, no leading zero, at most 12 digits (past the year 30000). */
const timestampPattern = /^[1-9][0-9]{0,11}$/;

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`. As in the
 * `standardwebhooks` package, a secret without the prefix is read as base64 whole.
 *
 * @returns the key bytes, or null when the secret is not padded base64 of at least one byte.
 * @example
 * ```ts
 * standardSecretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'); // 24 bytes
 * standardSecretKey('whsec_not base64');                     // null
 * ```
 */
export function standardSecretKey(secret: string): Buffer | null {
  const key = decodeBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return key === null || key.length === 0 ? null : key;
}

/* Decoding the secret cost a tenth of a verification; the same few secrets come back all the time. */
const signingKey = boundedMemo((secret: string): Buffer => {
  const key = standardSecretKey(secret);
  if (key === null) {
    throw new PorticoError(
      'INTERNAL',
      'The signing secret is not a Standard Webhooks secret (whsec_ followed by base64).',
    );
  }
  return key;
});

/* The body goes to the HMAC as it is, after the prefix: never copied, never decoded. */
const digest = (key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array) =>
  createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();

/**
 * Verifies a Standard Webhooks signature: `webhook-signature` holds space-separated
 * `v1,<base64>` entries (others ignored), one of which must be the HMAC-SHA256 of
 * `${webhook-id}.${webhook-timestamp}.${body}`; the timestamp must be within the tolerance.
 *
 * @throws PorticoError `INTERNAL` when `secret` is not a Standard Webhooks secret.
 * @example
 * ```ts
 * const result = verifyStandardSignature({ secret, headers, rawBody, nowMs: Date.now() });
 * if (result.ok && (await seen(result.messageId))) throw new PorticoError('WEBHOOK_REPLAYED', 'Replayed.');
 * ```
 */
export function verifyStandardSignature(input: SignatureInput): SignatureResult {
  const key = signingKey(input.secret);
  const id = singleHeader(input.headers, 'webhook-id');
  const timestamp = singleHeader(input.headers, 'webhook-timestamp');
  const signatures = listHeader(input.headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) return refused('missing');
  const tooLong = id.length > MAX_ID_CHARS || signatures.length > MAX_SIGNATURE_HEADER_CHARS;
  if (tooLong || !timestampPattern.test(timestamp)) return refused('malformed');
  const entries = signatures.split(' ', MAX_SIGNATURES + 1);
  if (entries.length > MAX_SIGNATURES) return refused('malformed');

  const timestampSeconds = Number(timestamp);
  const skewSeconds = Math.abs(Math.floor(input.nowMs / 1000) - timestampSeconds);
  // Written so that a NaN tolerance or clock refuses rather than accepts.
  if (!(skewSeconds <= (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))) return refused('stale');

  const expected = digest(key, id, timestamp, input.rawBody);
  let sawCandidate = false;
  for (const entry of entries) {
    const received = entry.startsWith('v1,') ? decodeBase64(entry.slice(3)) : null;
    if (received === null) continue;
    if (digestsEqual(expected, received)) {
      return { ok: true, messageId: id, timestampMs: timestampSeconds * 1000 };
    }
    sawCandidate = true;
  }
  return refused(sawCandidate ? 'mismatch' : 'malformed');
}

/**
 * The headers that sign `body` by Standard Webhooks; what outbound deliveries send.
 *
 * @throws PorticoError `INTERNAL` when `secret` is not a Standard Webhooks secret.
 * @throws TypeError when `timestampSeconds` is not a positive whole number.
 * @example
 * ```ts
 * const headers = signStandardWebhook({
 *   secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
 *   id: delivery.id,
 *   timestampSeconds: Math.floor(clock.now() / 1000),
 *   body: JSON.stringify(payload),
 * });
 * // { 'webhook-id': 'msg_…', 'webhook-timestamp': '1767225600', 'webhook-signature': 'v1,…' }
 * ```
 */
export function signStandardWebhook(message: {
  secret: string;
  id: string;
  timestampSeconds: number;
  body: string | Uint8Array;
}): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const { secret, id, timestampSeconds, body } = message;
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds <= 0) {
    throw new TypeError('timestampSeconds must be a positive whole number of seconds.');
  }
  const timestamp = String(timestampSeconds);
  const signature = digest(signingKey(secret), id, timestamp, body).toString('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

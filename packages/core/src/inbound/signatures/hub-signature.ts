import { createHmac } from 'node:crypto';
import { digestsEqual } from '../../crypto/digests-equal';
import { decodeHex } from '../../crypto/encoding';
import { PorticoError } from '../../errors';
import { singleHeader } from './headers';
import { refused, type SignatureInput, type SignatureResult } from './types';

const HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';
const HEX_CHARS = 64;

/**
 * How a scheme of the `X-Hub-Signature-256` family differs from the others.
 *
 * @example
 * ```ts
 * const github: HubScheme = { prefix: 'required', hmacKey: (secret) => secret };
 * ```
 */
export interface HubScheme {
  /** Whether `sha256=` must be present, or may be left out. */
  prefix: 'required' | 'optional';
  /** The HMAC key made from the secret. */
  hmacKey(secret: string): string;
}

/**
 * Verifies `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the body, for the `github`
 * and `legacy` schemes. Hex of either case is accepted. These schemes sign neither an id nor a
 * time, so they give no replay protection.
 *
 * @throws PorticoError `INTERNAL` when the secret is empty: a signature anyone could make.
 * @example
 * ```ts
 * verifyHubSignature(input, { prefix: 'required', hmacKey: (secret) => secret });
 * ```
 */
export function verifyHubSignature(input: SignatureInput, scheme: HubScheme): SignatureResult {
  if (input.secret === '') throw new PorticoError('INTERNAL', 'The signing secret is empty.');
  const header = singleHeader(input.headers, HEADER);
  if (header === undefined) return refused('missing');
  const prefixed = header.startsWith(PREFIX);
  if (!prefixed && scheme.prefix === 'required') return refused('malformed');
  const hex = prefixed ? header.slice(PREFIX.length) : header;
  const received = hex.length === HEX_CHARS ? decodeHex(hex) : null;
  if (received === null) return refused('malformed');
  const expected = createHmac('sha256', scheme.hmacKey(input.secret)).update(input.rawBody).digest();
  if (!digestsEqual(expected, received)) return refused('mismatch');
  return { ok: true, messageId: null, timestampMs: null };
}

/**
 * Request headers as adapters hand them over: names in lower case (as Node's `IncomingMessage`
 * gives them); a header sent more than once may arrive as an array.
 *
 * @example
 * ```ts
 * const headers: SignatureHeaders = { 'webhook-id': 'msg_1', 'webhook-signature': ['v1,abc=', 'v1,def='] };
 * ```
 */
export type SignatureHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * What a signature is checked against.
 *
 * @example
 * ```ts
 * const input: SignatureInput = { secret, headers: request.headers, rawBody, nowMs: clock.now() };
 * ```
 */
export interface SignatureInput {
  /** The integration's signing secret, in clear. */
  secret: string;
  headers: SignatureHeaders;
  /** The body exactly as received: never a re-serialised parse. */
  rawBody: Uint8Array;
  /** The current time, in milliseconds since the Unix epoch. */
  nowMs: number;
  /** For `standard`: how far the signed timestamp may be from now, either way; default 300. */
  toleranceSeconds?: number;
}

/**
 * Why a signature was refused:
 * - `missing`: a header the scheme needs is absent or empty;
 * - `malformed`: a header is not in the scheme's format (or too long);
 * - `mismatch`: well formed, but no signature matches the body;
 * - `stale`: the signed timestamp is outside the tolerance.
 *
 * @example
 * ```ts
 * const reason: SignatureFailure = 'stale';
 * ```
 */
export type SignatureFailure = 'missing' | 'malformed' | 'mismatch' | 'stale';

/**
 * The outcome of a verification. On success, `messageId` and `timestampMs` are set when the
 * scheme signs them (`standard`) and null otherwise; the caller refuses a `messageId` it has
 * already seen.
 *
 * @example
 * ```ts
 * const result: SignatureResult = verifySignature('standard', input);
 * if (!result.ok) throw new PorticoError('SIGNATURE_INVALID', `Signature ${result.reason}.`);
 * ```
 */
export type SignatureResult =
  | { ok: true; messageId: string | null; timestampMs: number | null }
  | { ok: false; reason: SignatureFailure };

/**
 * A refusal, as a {@link SignatureResult}.
 *
 * @example
 * ```ts
 * return refused('missing');
 * ```
 */
export const refused = (reason: SignatureFailure): SignatureResult => ({ ok: false, reason });

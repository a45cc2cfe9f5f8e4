/** How much of a body that is not JSON the payload keeps, as `{ raw }`. */
const RAW_PREVIEW_CHARS = 500;
const decoder = new TextDecoder();

/** A webhook body read as JSON, with its `event` field. */
export interface ParsedPayload {
  /** The parsed JSON body; `{ raw }` with the start of the text when it is not JSON; `{}` when empty. */
  payload: unknown;
  /** The payload's `event` field, or `UNKNOWN`. */
  event: string;
}

/**
 * Reads a webhook body. A body that is not JSON is accepted too, so senders of form posts or
 * plain text keep working.
 *
 * @example
 * ```ts
 * parsePayload(new TextEncoder().encode('{"event":"ALERT"}')); // { payload: { event: 'ALERT' }, event: 'ALERT' }
 * ```
 */
export function parsePayload(rawBody: Uint8Array): ParsedPayload {
  if (rawBody.byteLength === 0) return { payload: {}, event: 'UNKNOWN' };
  const text = decoder.decode(rawBody);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { payload: { raw: text.slice(0, RAW_PREVIEW_CHARS) }, event: 'UNKNOWN' };
  }
  const event =
    payload !== null && typeof payload === 'object' && typeof (payload as { event?: unknown }).event === 'string'
      ? (payload as { event: string }).event
      : 'UNKNOWN';
  return { payload, event };
}

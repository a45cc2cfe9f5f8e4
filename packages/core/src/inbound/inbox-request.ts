import { openBytes, sealBytes, type KeyRing } from '../crypto/key-ring';
import type { HeaderMap } from './inbound-event';

/** Headers that carry the caller's credentials: the host never needs them, and the inbox never keeps them. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie']);
const NEWLINE = 0x0a;
const purposeOf = (eventId: string) => ({ recordId: eventId, purpose: 'inbox' });

/** The request as the inbox keeps it for the host. */
export interface InboxRequest {
  headers: HeaderMap;
  rawBody: Uint8Array;
}

/**
 * The headers a host may read: every one but those that carry credentials.
 *
 * @example
 * ```ts
 * keptHeaders({ 'x-api-key': 'gk_…', 'webhook-id': 'msg_1' }); // { 'webhook-id': 'msg_1' }
 * ```
 */
export function keptHeaders(headers: HeaderMap): HeaderMap {
  const kept: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !CREDENTIAL_HEADERS.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * Seals what the inbox keeps of a request, bound to its event id: the kept headers as one line
 * of JSON (which never holds a raw newline), a newline, then the body's bytes as received.
 *
 * @example
 * ```ts
 * const sealedRequest = sealInboxRequest(keyRing, 'evt_1', { headers, rawBody });
 * ```
 */
export function sealInboxRequest(keyRing: KeyRing, eventId: string, request: InboxRequest): string {
  const head = Buffer.from(`${JSON.stringify(keptHeaders(request.headers))}\n`, 'utf8');
  return sealBytes(keyRing, Buffer.concat([head, request.rawBody]), purposeOf(eventId));
}

/**
 * Opens what {@link sealInboxRequest} sealed.
 *
 * @throws PorticoError `INTERNAL` when the value is damaged or sealed for another event.
 * @example
 * ```ts
 * const { headers, rawBody } = openInboxRequest(keyRing, event.id, event.sealedRequest);
 * ```
 */
export function openInboxRequest(keyRing: KeyRing, eventId: string, sealed: string): InboxRequest {
  const bytes = openBytes(keyRing, sealed, purposeOf(eventId));
  const end = bytes.indexOf(NEWLINE);
  return { headers: JSON.parse(bytes.toString('utf8', 0, end)) as HeaderMap, rawBody: bytes.subarray(end + 1) };
}

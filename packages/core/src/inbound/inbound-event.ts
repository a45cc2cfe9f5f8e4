/** Request headers with lower-case names, as Node gives them. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** A webhook as an adapter hands it over. */
export interface WebhookRequest {
  /** The API key, from the path, `Authorization: Bearer` or `X-Api-Key`. */
  key: string;
  headers: HeaderMap;
  /**
   * The body exactly as received (signatures are checked over these bytes), or a function that
   * reads it: the receiver calls it only once the key names an active integration, so a caller
   * without a valid key never gets its body buffered.
   */
  rawBody: Uint8Array | (() => Promise<Uint8Array>);
  /** When it arrived, epoch milliseconds; defaults to the gateway's clock. */
  receivedAt?: number;
}

/** An accepted webhook, as the host's handler receives it (see `gateway.onWebhook`). */
export interface InboundEvent {
  /**
   * Portico's id of the event (`evt_…`), the same on every hand-off of it: the handler is called
   * at least once, so a host that must act once de-duplicates by it.
   */
  id: string;
  /** The sender's `webhook-id` (Standard Webhooks), or null when it sent none. */
  messageId: string | null;
  intId: string;
  /** The payload's `event` field, or `UNKNOWN`. */
  event: string;
  /** The parsed JSON body; `{ raw }` with the text when it is not JSON. */
  payload: unknown;
  rawBody: Uint8Array;
  headers: HeaderMap;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** The integration is in `TEST` status: do not act on it as on production data. */
  test: boolean;
  /** Which hand-off of this event this is: 1 the first time, more after a failed or timed-out one. */
  attempt: number;
}

/** What `receiveWebhook` answers on success. */
export interface WebhookAccepted {
  accepted: true;
  event: string;
  intId: string;
  eventId: string;
  /** Where the sender stands in its quota, for `RateLimit` headers. */
  rateLimit: { limit: number; windowMs: number; remaining: number; resetMs: number };
}

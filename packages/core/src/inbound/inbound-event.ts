/** Request headers with lower-case names, as Node gives them. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** A webhook as an adapter hands it over. */
export interface WebhookRequest {
  /** The API key, from the path, `Authorization: Bearer` or `X-Api-Key`. */
  key: string;
  headers: HeaderMap;
  /** The body exactly as received: signatures are checked over these bytes. */
  rawBody: Uint8Array;
  /** When it arrived, epoch milliseconds; defaults to the gateway's clock. */
  receivedAt?: number;
}

/** An accepted webhook, as the host receives it through `gateway.on('event', …)`. */
export interface InboundEvent {
  /** The sender's `webhook-id` when it signs with Standard Webhooks, else one Portico made. */
  id: string;
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

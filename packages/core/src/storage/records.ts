import type {
  IntegrationStatus,
  IntegrationType,
  LogDirection,
  LogStatus,
  SignatureScheme,
} from '../model';

/**
 * An integration as a store keeps it. Secrets are sealed (see `sealSecret`) and the API key is
 * kept only as its SHA-256; times are milliseconds since the epoch.
 */
export interface IntegrationRecord {
  /** `GW-` + 8 upper-case hex digits. */
  id: string;
  name: string;
  type: IntegrationType;
  description: string;
  endpointUrl: string | null;
  /** Custom outbound headers for display: values of sensitive names are masked. */
  headers: Record<string, string>;
  /** The custom outbound headers with their real values, sealed; null when there are none. */
  sealedHeaders: string | null;
  status: IntegrationStatus;
  /** Requests admitted per minute. */
  rateLimit: number;
  /** Null when the integration has no signing secret. */
  signatureScheme: SignatureScheme | null;
  /** The webhook signing secret, sealed; null when there is none. */
  sealedSecret: string | null;
  /**
   * The signing secret replaced by the last rotation, sealed (purpose `previous-secret`): webhooks
   * signed with it are still accepted until `previousSecretExpiresAt`. Null when there is none.
   */
  previousSealedSecret: string | null;
  /** The scheme the previous secret verifies under; null with it. */
  previousSignatureScheme: SignatureScheme | null;
  /** When the previous secret stops verifying (epoch ms); null with it. */
  previousSecretExpiresAt: number | null;
  /** Hex SHA-256 of the current API key. Unique across all integrations. */
  keyHash: string;
  /** The first characters of the current key, so operators can recognise it. */
  keyPrefix: string;
  /** Hex SHA-256 of the key replaced by the last rotation, still valid until `previousKeyExpiresAt`. */
  previousKeyHash: string | null;
  previousKeyExpiresAt: number | null;
  /** Set when outbound deliveries keep failing. */
  failing: boolean;
  createdBy: string;
  createdAt: number;
  updatedBy: string | null;
  updatedAt: number | null;
  /** Optimistic concurrency: starts at 1, increases by one on every update. */
  version: number;
}

/** The fields of an {@link IntegrationRecord} an update may change. */
export type IntegrationChanges = Partial<Omit<IntegrationRecord, 'id' | 'createdAt' | 'createdBy' | 'version'>>;

/** Filters and page of an integration listing, oldest first. */
export interface IntegrationQuery {
  type?: IntegrationType;
  status?: IntegrationStatus;
  /** Only integrations whose status is not `INACTIVE`. */
  enabledOnly?: boolean;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
  /** Page size. */
  limit: number;
}

/** A page of results and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  /** How many records match the filters, over all pages. */
  total: number;
  nextCursor: string | null;
}

/** Counts of integrations, kept by the store so stats need no scan of the records. */
export interface IntegrationCounts {
  total: number;
  byType: Partial<Record<IntegrationType, number>>;
  byStatus: Partial<Record<IntegrationStatus, number>>;
}

/** One integration log entry; `payload` is already masked when it reaches a store. */
export interface LogEntry {
  /** `LOG-` + 8 upper-case hex digits. */
  id: string;
  /** The integration it is about (may no longer exist). */
  intId: string;
  direction: LogDirection;
  event: string;
  status: LogStatus;
  /** Masked JSON value, or null. */
  payload: unknown;
  /** Empty when none. */
  error: string;
  loggedAt: number;
}

/** Filters and page of a log query, newest first (by `loggedAt`, then by order of writing). */
export interface LogQuery {
  intId?: string;
  direction?: LogDirection;
  status?: LogStatus;
  /** Inclusive lower bound on `loggedAt`, in epoch milliseconds. */
  sinceMs?: number;
  /** Exclusive upper bound on `loggedAt`, in epoch milliseconds. */
  untilMs?: number;
  cursor?: string;
  /** 1..500. */
  limit: number;
}

/** What log retention removes: entries older than `beforeMs`, and all but the newest `keepNewest`. */
export interface LogPrune {
  beforeMs?: number;
  keepNewest?: number;
}

/** The granularity of a usage counter row. `total` has `startMs` 0 and covers all time. */
export type UsageGranularity = 'minute' | 'hour' | 'total';

/** Counts to add to one usage row. */
export interface UsageDelta {
  intId: string;
  granularity: UsageGranularity;
  /** Start of the bucket in epoch milliseconds (0 for `total`). */
  startMs: number;
  success: number;
  error: number;
  rateLimited: number;
  /** Time of the latest request counted; the row keeps the maximum. */
  lastAtMs: number;
}

/** The counters of one usage row. */
export interface UsageCounts {
  success: number;
  error: number;
  rateLimited: number;
  /** Latest request counted, or null when none. */
  lastAtMs: number | null;
}

/** One usage bucket of a series. */
export interface UsageBucket extends UsageCounts {
  startMs: number;
}

/** Outcome of one delivery attempt. */
export interface DeliveryAttempt {
  /** When the attempt started, epoch milliseconds. */
  at: number;
  /** HTTP status answered, or null when no answer came. */
  statusCode: number | null;
  /** Why it failed; empty on success. */
  error: string;
  durationMs: number;
}

/** State of an outbound delivery. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** An outbound notification in the outbox. */
export interface DeliveryRecord {
  /** Also sent as `webhook-id`, stable across retries so receivers can de-duplicate. */
  id: string;
  intId: string;
  event: string;
  /** The exact JSON body, so every attempt sends and signs the same bytes. */
  body: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (epoch ms); null once delivered or failed. */
  nextAttemptAt: number | null;
  /** The dispatcher holding the delivery, or null. */
  leaseOwner: string | null;
  /** When the lease lapses (epoch ms), or null. */
  leaseExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What to claim from the outbox or the inbox. */
export interface LeaseClaim {
  /** Who claims: a stable id of one dispatcher. */
  owner: string;
  nowMs: number;
  /** How long the claim holds before another dispatcher may take the record. */
  leaseMs: number;
  /** Most records to claim at once. */
  limit: number;
}

/** The fields of a queued record (an outbox delivery, an inbox event) that leasing reads and writes. */
export interface LeasedRecord {
  id: string;
  intId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: unknown[];
  nextAttemptAt: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  updatedAt: number;
}

/** What the holder of a lease on a `T` writes back: a {@link DeliverySettlement} or a {@link HandoffSettlement}. */
export type LeaseSettlement<T extends LeasedRecord> = Pick<T, 'status' | 'attempts' | 'nextAttemptAt' | 'updatedAt'>;

/** The result of an attempt, written back by the lease holder. */
export interface DeliverySettlement {
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt: number | null;
  updatedAt: number;
}

/** Filters and page of an outbox listing, newest first. */
export interface DeliveryQuery {
  intId?: string;
  status?: DeliveryStatus;
  cursor?: string;
  limit: number;
}

/** State of an inbound event's hand-off to the host: `pending` (due or waiting for a retry), `delivered`, `failed`. */
export type InboxStatus = 'pending' | 'delivered' | 'failed';

/** One call of the host's webhook handler. */
export interface HandoffAttempt {
  /** When the call started, epoch milliseconds. */
  at: number;
  /** Why it failed, masked; empty on success. */
  error: string;
  durationMs: number;
}

/**
 * An accepted webhook in the inbox, kept until the host's handler has taken it (and for the
 * retention period after). The request itself is sealed: payloads carry secrets.
 */
export interface InboxRecord {
  /** Portico's event id (`evt_…`), unique for good; the host de-duplicates hand-offs by it. */
  id: string;
  intId: string;
  /** The sender's `webhook-id` (Standard Webhooks), or null when it sent none. */
  messageId: string | null;
  /** The payload's `event` field, or `UNKNOWN`. */
  event: string;
  /**
   * The headers the host may see (never the API key) and the raw body, sealed with the key ring
   * for this record id and the purpose `inbox`; see `sealInboxRequest`.
   */
  sealedRequest: string;
  /** The integration was in `TEST` status when the webhook arrived. */
  test: boolean;
  status: InboxStatus;
  attempts: HandoffAttempt[];
  /** When the next hand-off is due (epoch ms); null once delivered or failed. */
  nextAttemptAt: number | null;
  /** The dispatcher holding the event, or null. */
  leaseOwner: string | null;
  /** When the lease lapses (epoch ms), or null. */
  leaseExpiresAt: number | null;
  /** When the webhook was accepted, epoch milliseconds. */
  receivedAt: number;
  updatedAt: number;
}

/** Everything an accepted webhook commits at once, before its 202 answer. */
export interface InboxAcceptance {
  event: InboxRecord;
  /**
   * How long to remember `event.messageId` in the scope `event.intId` against replays, or null
   * when the webhook has no message id to remember.
   */
  replayTtlMs: number | null;
  /** The acceptance's entry in the integration log, already masked. */
  log: LogEntry;
}

/** The result of a hand-off, written back by the lease holder. */
export interface HandoffSettlement {
  status: InboxStatus;
  attempts: HandoffAttempt[];
  nextAttemptAt: number | null;
  updatedAt: number;
}

/** Filters and page of an inbox listing, newest first (by `receivedAt`, then `id`). */
export interface InboxQuery {
  intId?: string;
  status?: InboxStatus;
  cursor?: string;
  limit: number;
}

/** What inbox retention removed. */
export interface InboxPruned {
  /** Delivered and failed events. */
  settled: number;
  /** Events still pending: the host never took them within the retention period. */
  unhandled: number;
}

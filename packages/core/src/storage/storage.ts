import type {
  DeliveryQuery,
  DeliveryRecord,
  DeliverySettlement,
  IntegrationChanges,
  IntegrationCounts,
  IntegrationQuery,
  IntegrationRecord,
  LogEntry,
  LogPrune,
  LogQuery,
  HandoffSettlement,
  InboxAcceptance,
  InboxPruned,
  InboxQuery,
  InboxRecord,
  LeaseClaim,
  LeasedRecord,
  LeaseSettlement,
  Page,
  UsageBucket,
  UsageCounts,
  UsageDelta,
  UsageGranularity,
} from './records';

/** Integrations, with a unique index on key hashes and optimistic versioning. */
export interface IntegrationStore {
  /**
   * Inserts a record (its `version` is 1). Returns false, writing nothing, when the id or its
   * key hash is already taken, so the caller can retry with fresh ones.
   */
  insert(record: IntegrationRecord): Promise<boolean>;
  /** The record with this id, or null when there is none. */
  get(id: string): Promise<IntegrationRecord | null>;
  /**
   * The integration whose current key hash is `keyHash`, or whose previous key hash is
   * `keyHash` and has not expired at `nowMs`. Served from an index, never a scan.
   */
  getByKeyHash(keyHash: string, nowMs: number): Promise<IntegrationRecord | null>;
  /** Oldest first (by `createdAt`, then `id`). */
  list(query: IntegrationQuery): Promise<Page<IntegrationRecord>>;
  /**
   * Applies `changes` if the stored version is `expectedVersion`, and returns the new record
   * with `version + 1`; returns null when the id is unknown or the version moved on.
   */
  update(id: string, expectedVersion: number, changes: IntegrationChanges): Promise<IntegrationRecord | null>;
  /** Removes the integration and its usage counters (its log entries stay). False if unknown. */
  remove(id: string): Promise<boolean>;
  /** How many integrations there are, in all and by type and status, for `gateway.stats()`. */
  counts(): Promise<IntegrationCounts>;
}

/** The integration log. */
export interface LogStore {
  /** Appends entries in one write (a transaction where the engine has them). */
  append(entries: LogEntry[]): Promise<void>;
  /** Newest first: by `loggedAt` descending, then by order of writing, descending. */
  query(query: LogQuery): Promise<Page<LogEntry>>;
  /** How many entries the log holds. */
  count(): Promise<number>;
  /** Applies retention; returns how many entries were removed. */
  prune(prune: LogPrune): Promise<number>;
}

/** Usage counters per integration, per minute, per hour and in total. */
export interface UsageStore {
  /** Adds each delta to its row, creating it as needed; each row is updated atomically. */
  add(deltas: UsageDelta[]): Promise<void>;
  /** Rows of one integration and granularity with `fromMs <= startMs < toMs`, ascending. */
  buckets(intId: string, granularity: Exclude<UsageGranularity, 'total'>, fromMs: number, toMs: number): Promise<UsageBucket[]>;
  /** The `total` row of one integration; zeros when it has none. */
  totals(intId: string): Promise<UsageCounts>;
  /** The sum of every integration's `total` row. */
  summary(): Promise<UsageCounts>;
  /** Removes rows of `granularity` that start before `beforeMs`; returns how many. */
  prune(granularity: Exclude<UsageGranularity, 'total'>, beforeMs: number): Promise<number>;
}

/** Memory of message ids already accepted, to refuse replays. */
export interface ReplayStore {
  /**
   * Records `id` in `scope` for `ttlMs`. Returns true when it was not recorded (or had expired),
   * false when it is a replay. Atomic: of two concurrent calls with one id, one gets true.
   */
  remember(scope: string, id: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /**
   * True when `id` is remembered in `scope` and has not expired at `nowMs`. A read only: the
   * gateway asks it before spending quota, so replayed copies never spend it.
   */
  seen(scope: string, id: string, nowMs: number): Promise<boolean>;
}

/**
 * The leasing methods the outbox and the inbox share, for code that serves or tests either;
 * {@link OutboxStore} and {@link InboxStore} say what each means for their records.
 */
export interface LeaseQueue<T extends LeasedRecord> {
  /** Leases up to `limit` due records, not leased or whose lease lapsed, soonest due first. */
  claim(claim: LeaseClaim): Promise<T[]>;
  /** Writes a result and releases the lease; false (writing nothing) if `owner` lost it. */
  settle(id: string, owner: string, settlement: LeaseSettlement<T>): Promise<boolean>;
  /** The record with this id, or null when there is none. */
  get(id: string): Promise<T | null>;
  /** Newest first (by the record's fixed time, then `id`). */
  list(query: { intId?: string; status?: LeasedRecord['status']; cursor?: string; limit: number }): Promise<Page<T>>;
  /** Makes a `failed` record `pending` and due at `nowMs`; null when unknown or not `failed`. */
  requeue(id: string, nowMs: number): Promise<T | null>;
}

/** The outbox of outbound deliveries. */
export interface OutboxStore {
  /** Stores a new delivery; it may arrive already leased by the dispatcher that will try it first. */
  enqueue(record: DeliveryRecord): Promise<void>;
  /**
   * Leases up to `limit` pending deliveries that are due and not leased (or whose lease lapsed),
   * soonest due first. Two concurrent claims never return the same delivery.
   */
  claim(claim: LeaseClaim): Promise<DeliveryRecord[]>;
  /** Writes an attempt's result and releases the lease; false (writing nothing) if `owner` lost it. */
  settle(id: string, owner: string, settlement: DeliverySettlement): Promise<boolean>;
  /** The delivery with this id, with every attempt so far, or null when there is none. */
  get(id: string): Promise<DeliveryRecord | null>;
  /** Newest first (by `createdAt`, then `id`). */
  list(query: DeliveryQuery): Promise<Page<DeliveryRecord>>;
  /**
   * Makes a `failed` delivery `pending` again, due at `nowMs`, keeping its attempts; returns the
   * new record, or null when the id is unknown or the delivery is not `failed`.
   */
  requeue(id: string, nowMs: number): Promise<DeliveryRecord | null>;
  /** Removes `delivered` and `failed` deliveries last updated before `beforeMs`; returns how many. */
  prune(beforeMs: number): Promise<number>;
}

/**
 * The inbox of accepted webhooks, from which the host's handler is called at least once. An
 * acceptance commits the event, its replay id, its log entry and its usage count together, so a
 * 202 answered after `accept` resolves is never lost to a crash of the gateway.
 */
export interface InboxStore {
  /**
   * In one transaction: remembers `event.messageId` against replays (when `replayTtlMs` is
   * given), stores the event, appends its log entry, and counts one success for `event.intId`
   * at `event.receivedAt` in its minute, hour and total usage rows. Resolves only once all of it
   * is committed. Returns false, writing nothing, when the message id is remembered and has not
   * expired at `event.receivedAt`: a replay. Of concurrent acceptances of one message id, one
   * returns true. Rejects when the event id is taken.
   */
  accept(acceptance: InboxAcceptance): Promise<boolean>;
  /**
   * Leases up to `limit` pending events that are due and not leased (or whose lease lapsed),
   * soonest due first. Two concurrent claims never return the same event.
   */
  claim(claim: LeaseClaim): Promise<InboxRecord[]>;
  /** Writes a hand-off's result and releases the lease; false (writing nothing) if `owner` lost it. */
  settle(id: string, owner: string, settlement: HandoffSettlement): Promise<boolean>;
  /** The event with this id, with every hand-off attempt so far, or null when there is none. */
  get(id: string): Promise<InboxRecord | null>;
  /** Newest first (by `receivedAt`, then `id`). */
  list(query: InboxQuery): Promise<Page<InboxRecord>>;
  /**
   * Makes a `failed` event `pending` again, due at `nowMs`, keeping its attempts; returns the new
   * record, or null when the id is unknown or the event is not `failed`.
   */
  requeue(id: string, nowMs: number): Promise<InboxRecord | null>;
  /**
   * Removes `delivered` and `failed` events last updated before `beforeMs`, and `pending` events
   * received before it; says how many of each.
   */
  prune(beforeMs: number): Promise<InboxPruned>;
}

/**
 * Everything Portico persists. `memoryStorage()` keeps it in process; `@portico/sqlite` and
 * `@portico/postgres` keep it on disk. Every implementation passes `runStorageSuite` from
 * `@portico/testing`.
 */
export interface Storage {
  integrations: IntegrationStore;
  logs: LogStore;
  usage: UsageStore;
  replay: ReplayStore;
  outbox: OutboxStore;
  inbox: InboxStore;
  /** Releases connections and handles. */
  close(): Promise<void>;
}

import { z } from 'zod';
import type { Clock } from '../clock';
import type { KeyRing } from '../crypto/key-ring';
import { PorticoError } from '../errors';
import type { LogWriter } from '../logs/log-writer';
import { mask } from '../mask/mask';
import type { Dispatcher } from '../queue/dispatcher';
import { parseInput } from '../schemas/parse';
import type { HandoffAttempt, InboxRecord, InboxStatus, Page } from '../storage/records';
import type { Storage } from '../storage/storage';
import type { HeaderMap } from './inbound-event';
import { openInboxRequest } from './inbox-request';
import { parsePayload } from './payload';

/**
 * The states of an inbox event: `pending` (not yet handed off, or waiting for a retry), `delivered`, `failed`.
 *
 * @example
 * ```ts
 * inboxStatuses.includes('failed'); // true
 * ```
 */
export const inboxStatuses = ['pending', 'delivered', 'failed'] as const satisfies readonly InboxStatus[];

/**
 * Filters of `gateway.events.list`, newest first.
 *
 * @example
 * ```ts
 * eventQuerySchema.parse({ intId: 'GW-1A2B3C4D', status: 'failed' }).limit; // 50
 * ```
 */
export const eventQuerySchema = z.strictObject({
  intId: z.string().max(64).optional(),
  status: z.enum(inboxStatuses).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.int().min(1).max(500).default(50),
});

/** Input of `gateway.events.list`. */
export type EventQueryInput = z.input<typeof eventQuerySchema>;

/** An accepted webhook as operators see it in a listing: no payload, no lease. Times in epoch milliseconds. */
export interface InboxEvent {
  id: string;
  intId: string;
  messageId: string | null;
  event: string;
  status: InboxStatus;
  test: boolean;
  attempts: HandoffAttempt[];
  /** When the next hand-off is due; null once delivered or failed. */
  nextAttemptAt: number | null;
  receivedAt: number;
  updatedAt: number;
}

/** One accepted webhook with its payload and headers, masked. */
export interface InboxEventDetail extends InboxEvent {
  payload: unknown;
  headers: HeaderMap;
}

/** The inbox, as operators see it. */
export interface Events {
  /** Newest first, with every hand-off attempt. */
  list(query?: EventQueryInput): Promise<Page<InboxEvent>>;
  /** With the payload and headers, masked. Throws `NOT_FOUND`. */
  get(id: string): Promise<InboxEventDetail>;
  /**
   * Makes a `failed` event due again now, keeping its attempts: the handler gets it once more.
   * Throws `NOT_FOUND`, or `EVENT_NOT_FAILED` when it is pending or delivered.
   */
  retry(id: string, actor: string): Promise<InboxEvent>;
}

const notFound = (id: string) => new PorticoError('NOT_FOUND', `Event '${id}' not found.`);

function view(record: InboxRecord): InboxEvent {
  const { id, intId, messageId, event, status, test, attempts, nextAttemptAt, receivedAt, updatedAt } = record;
  return { id, intId, messageId, event, status, test, attempts, nextAttemptAt, receivedAt, updatedAt };
}

/**
 * Creates the inbox view over a store.
 *
 * @example
 * ```ts
 * const events = createEvents({ storage, clock, keyRing, log, dispatcher });
 * const failed = await events.list({ status: 'failed' });
 * ```
 */
export function createEvents(deps: {
  storage: Pick<Storage, 'inbox'>;
  clock: Clock;
  keyRing: KeyRing;
  log: LogWriter;
  dispatcher: Dispatcher;
}): Events {
  const { storage, clock, keyRing, log, dispatcher } = deps;

  async function record(id: string): Promise<InboxRecord> {
    const found = await storage.inbox.get(id);
    if (found === null) throw notFound(id);
    return found;
  }

  return {
    async list(rawQuery = {}) {
      const page = await storage.inbox.list(parseInput(eventQuerySchema, rawQuery, 'event query'));
      return { ...page, items: page.items.map(view) };
    },
    async get(id) {
      const found = await record(id);
      const { headers, rawBody } = openInboxRequest(keyRing, found.id, found.sealedRequest);
      return { ...view(found), payload: mask(parsePayload(rawBody).payload), headers: mask(headers) as HeaderMap };
    },
    async retry(id, actor) {
      const requeued = await storage.inbox.requeue(id, clock.now());
      if (requeued === null) {
        const { status } = await record(id);
        throw new PorticoError('EVENT_NOT_FAILED', `Event '${id}' is ${status}; only a failed event can be retried.`);
      }
      log.write({
        intId: requeued.intId,
        direction: 'SYSTEM',
        event: 'HANDOFF_REQUEUED',
        status: 'OK',
        payload: { event_id: id, by: actor },
      });
      dispatcher.poke();
      return view(requeued);
    },
  };
}

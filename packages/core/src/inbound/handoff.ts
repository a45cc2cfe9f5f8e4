import type { Clock } from '../clock';
import type { KeyRing } from '../crypto/key-ring';
import type { Logger } from '../logger';
import type { LogWriter } from '../logs/log-writer';
import { maskText } from '../mask/mask';
import { createDispatcher, type Dispatcher } from '../queue/dispatcher';
import { retryDelayMs } from '../queue/retry-delay';
import type { HandoffSettlement, InboxRecord } from '../storage/records';
import type { Storage } from '../storage/storage';
import type { ResolvedHandoffOptions } from './handoff-options';
import type { InboundEvent } from './inbound-event';
import { openInboxRequest } from './inbox-request';
import { parsePayload, type ParsedPayload } from './payload';

/** What a handler may use beside the event. */
export interface WebhookHandlerContext {
  /** Aborts when the call passes `handoff.timeoutMs`: the call already counts as failed, so stop work it would still do. */
  signal: AbortSignal;
}

/**
 * The host's handler of accepted webhooks, called from the inbox at least once per event: again
 * when it throws or passes its deadline, with `event.attempt` counting up.
 *
 * @example
 * ```ts
 * const handler: WebhookHandler = async (event, { signal }) => {
 *   if (event.test) return;
 *   await tickets.openOnce(event.id, event.payload, { signal }); // idempotent by event id
 * };
 * gateway.onWebhook(handler);
 * ```
 */
export type WebhookHandler = (event: InboundEvent, context: WebhookHandlerContext) => void | Promise<void>;

/** An event with its request already open, as the receiver has it. */
export interface OpenedEvent extends ParsedPayload {
  rawBody: Uint8Array;
  headers: InboundEvent['headers'];
}

/** Services the hand-off needs. */
export interface HandoffDeps {
  storage: Pick<Storage, 'inbox'>;
  clock: Clock;
  keyRing: KeyRing;
  log: LogWriter;
  logger: Logger;
  options: ResolvedHandoffOptions;
}

/** The hand-off of inbox events to the host: its handler, its dispatcher, and the immediate first call. */
export interface Handoff {
  readonly dispatcher: Dispatcher;
  /** Registers the handler; returns the function that unregisters it. */
  setHandler(handler: WebhookHandler): () => void;
  /**
   * Takes a slot for the first hand-off of an event about to be accepted, when a handler is
   * registered and a slot is free: the event is then stored leased by this dispatcher. Give the
   * slot back with `dispatcher.release()` when the event is not accepted after all.
   */
  reserve(): boolean;
  /** Makes the first hand-off of an accepted event leased with a slot from `reserve()`. */
  handOffNow(record: InboxRecord, opened: OpenedEvent): void;
}

const ERROR_MAX_LENGTH = 500;

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return maskText(text).slice(0, ERROR_MAX_LENGTH);
}

/**
 * Creates the hand-off. The first call of the handler follows the acceptance at once, from the
 * same process, when a slot is free; the dispatcher (started by `gateway.start()`) claims what is
 * left and what is due again, from any instance sharing the store.
 *
 * @example
 * ```ts
 * const handoff = createHandoff({ storage, clock, keyRing, log, logger, options: resolveHandoffOptions() });
 * handoff.setHandler(async (event) => hosts.process(event));
 * handoff.dispatcher.start();
 * ```
 */
export function createHandoff(deps: HandoffDeps): Handoff {
  const { storage, clock, keyRing, log, logger, options } = deps;
  let handler: WebhookHandler | undefined;

  function open(record: InboxRecord): OpenedEvent {
    const { headers, rawBody } = openInboxRequest(keyRing, record.id, record.sealedRequest);
    return { ...parsePayload(rawBody), rawBody, headers };
  }

  async function call(current: WebhookHandler, event: InboundEvent): Promise<void> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`The handler did not finish within ${options.timeoutMs} ms.`);
        controller.abort(error);
        reject(error);
      }, options.timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => current(event, { signal: controller.signal })), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  function settlementAfter(record: InboxRecord, startedAt: number, error: string): HandoffSettlement {
    const now = clock.now();
    const attempts = [...record.attempts, { at: startedAt, error, durationMs: now - startedAt }];
    if (error === '') return { status: 'delivered', attempts, nextAttemptAt: null, updatedAt: now };
    const waitMs = options.retryScheduleMs[attempts.length - 1];
    if (waitMs === undefined) return { status: 'failed', attempts, nextAttemptAt: null, updatedAt: now };
    return { status: 'pending', attempts, nextAttemptAt: now + retryDelayMs(waitMs, null), updatedAt: now };
  }

  async function attempt(record: InboxRecord, owner: string, opened?: OpenedEvent): Promise<void> {
    const current = handler;
    if (current === undefined) {
      // Unregistered since the claim: give the event back untouched for the next handler.
      const { status, attempts, nextAttemptAt, updatedAt } = record;
      await storage.inbox.settle(record.id, owner, { status, attempts, nextAttemptAt: nextAttemptAt ?? clock.now(), updatedAt });
      return;
    }
    const startedAt = clock.now();
    let error = '';
    try {
      const { payload, event, rawBody, headers } = opened ?? open(record);
      const { id, messageId, intId, receivedAt, test } = record;
      const attemptNumber = record.attempts.length + 1;
      await call(current, { id, messageId, intId, event, payload, rawBody, headers, receivedAt, test, attempt: attemptNumber });
    } catch (caught) {
      error = describe(caught) || 'The handler failed.';
    }
    const settlement = settlementAfter(record, startedAt, error);
    if (!(await storage.inbox.settle(record.id, owner, settlement))) {
      logger.warn('A webhook hand-off outlived its lease; another dispatcher has the event', { eventId: record.id });
      return;
    }
    if (error === '') return;
    const failed = settlement.status === 'failed';
    log.write({
      intId: record.intId,
      direction: 'IN',
      event: failed ? 'HANDOFF_FAILED' : 'HANDOFF_RETRY',
      status: 'ERROR',
      payload: { event_id: record.id, attempt: settlement.attempts.length },
      error,
    });
    if (failed) logger.error('The webhook handler failed on every hand-off of an event', { eventId: record.id, attempts: settlement.attempts.length });
  }

  const dispatcher = createDispatcher({
    what: 'webhook hand-off',
    claim: (claim) => storage.inbox.claim(claim),
    async prune(nowMs) {
      const { unhandled } = await storage.inbox.prune(nowMs - options.retentionMs);
      if (unhandled > 0) logger.warn('Accepted webhooks no handler took were removed by inbox retention', { unhandled });
    },
    attempt: (record, owner) => attempt(record, owner),
    active: () => handler !== undefined,
    clock,
    logger,
    options,
  });

  return {
    dispatcher,
    setHandler(next) {
      if (handler !== undefined) throw new TypeError('A webhook handler is already registered: a gateway hands each event to one handler.');
      handler = next;
      dispatcher.poke();
      return () => {
        if (handler === next) handler = undefined;
      };
    },
    reserve: () => handler !== undefined && dispatcher.reserve(),
    handOffNow(record, opened) {
      dispatcher.release();
      dispatcher.run(() => attempt(record, dispatcher.owner, opened)).catch((error: unknown) => {
        logger.error('A webhook hand-off could not be completed', { eventId: record.id, error });
      });
    },
  };
}

import type { LogWriter } from '../logs/log-writer';
import type { DeliveryRecord } from '../storage/records';
import type { Storage } from '../storage/storage';

/** Sets and clears an integration's `failing` flag; never changes its status. */
export interface FailingFlag {
  /** After a final failure: flags the integration when its newest deliveries all failed, or at once when `gone`. */
  afterFailure(intId: string, gone: boolean): Promise<void>;
  /** After a delivered attempt: clears the flag. */
  clear(intId: string): Promise<void>;
}

const UPDATE_ATTEMPTS = 5;

/** Failed for good, or still retrying after a failed last attempt. */
const hasFailed = (delivery: DeliveryRecord) =>
  delivery.status === 'failed' || (delivery.status === 'pending' && (delivery.attempts.at(-1)?.error ?? '') !== '');

/**
 * Creates the flag keeper. An integration is failing when its newest `failingAfter` deliveries
 * all failed: one bad answer among good ones does not flag it, a dead endpoint soon does.
 *
 * @example
 * ```ts
 * const flag = createFailingFlag({ storage, log, failingAfter: 20 });
 * await flag.afterFailure('GW-1A2B3C4D', false);
 * ```
 */
export function createFailingFlag(deps: { storage: Storage; log: LogWriter; failingAfter: number }): FailingFlag {
  const { storage, log, failingAfter } = deps;

  async function keepsFailing(intId: string): Promise<boolean> {
    const newest = await storage.outbox.list({ intId, limit: failingAfter });
    return newest.items.length >= failingAfter && newest.items.every(hasFailed);
  }

  /* Optimistic versions: re-read and try again when an operator's update came first. */
  async function set(intId: string, failing: boolean, reason: string): Promise<void> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const record = await storage.integrations.get(intId);
      if (record === null || record.failing === failing) return;
      if (await storage.integrations.update(intId, record.version, { failing })) {
        log.write({
          intId,
          direction: 'SYSTEM',
          event: failing ? 'INTEGRATION_FAILING' : 'INTEGRATION_RECOVERED',
          status: failing ? 'ERROR' : 'OK',
          payload: { reason },
        });
        return;
      }
    }
  }

  return {
    async afterFailure(intId, gone) {
      if (gone) await set(intId, true, 'The endpoint answered 410 Gone.');
      else if (await keepsFailing(intId)) await set(intId, true, `The newest ${failingAfter} deliveries failed.`);
    },
    clear: (intId) => set(intId, false, 'A delivery succeeded.'),
  };
}

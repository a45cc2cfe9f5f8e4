import type { Clock } from '../clock';
import { createBatchFlusher } from '../batch-flusher';
import type { IdGenerator } from '../ids';
import type { Logger } from '../logger';
import { mask } from '../mask/mask';
import type { LogDirection, LogStatus } from '../model';
import type { LogEntry } from '../storage/records';
import type { Storage } from '../storage/storage';

/** What a caller logs; id, time and masking are the writer's. */
export interface LogRecord {
  intId: string;
  direction: LogDirection;
  event: string;
  status: LogStatus;
  /** Masked before it is buffered: secrets never reach the buffer's storage. */
  payload?: unknown;
  error?: string;
}

/** Batching and retention of the integration log. */
export interface LogOptions {
  /** Entries written in one storage call; a full batch is flushed at once. Default 500. */
  batchSize?: number;
  /** Longest an entry waits in memory before it is written. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Entries kept in memory while storage is slow or down; beyond it the oldest are dropped and counted. Default 10,000. */
  maxBufferedEntries?: number;
  /** Entries older than this are removed. Default 30 days. */
  retentionMs?: number;
  /** At most this many entries are kept. Default 100,000. */
  maxEntries?: number;
  /** How often retention runs. Default 1 minute. */
  pruneIntervalMs?: number;
}

const EVENT_MAX_LENGTH = 200;
const ERROR_MAX_LENGTH = 500;

/** The batched, masked writer behind the integration log. */
export interface LogWriter {
  write(record: LogRecord): void;
  /** The entry `write` would buffer, masked and stamped, for a caller that stores it itself (an accepted webhook's). */
  entry(record: LogRecord): LogEntry;
  /** Writes everything buffered, and applies retention when it is due. */
  flush(): Promise<void>;
  /**
   * Arranges a flush within the flush interval, which applies retention when it is due: for
   * writes made around the buffer (an accepted webhook's, committed by the inbox).
   */
  schedule(): void;
  /** Entries dropped because the buffer was full. */
  readonly dropped: number;
}

/**
 * Creates the writer: entries are masked and timestamped on `write`, kept in a bounded buffer
 * and written in batches off the request path.
 */
export function createLogWriter(deps: { storage: Storage; clock: Clock; ids: IdGenerator; logger: Logger }, options: LogOptions = {}): LogWriter {
  const { storage, clock, ids, logger } = deps;
  const batchSize = options.batchSize ?? 500;
  const maxBuffered = options.maxBufferedEntries ?? 10_000;
  const retentionMs = options.retentionMs ?? 30 * 24 * 3_600_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;

  let buffer: LogEntry[] = [];
  let dropped = 0;

  function dropOverflow() {
    const excess = buffer.length - maxBuffered;
    if (excess <= 0) return;
    buffer.splice(0, excess);
    if (dropped === 0 || Math.floor(dropped / 1_000) !== Math.floor((dropped + excess) / 1_000)) {
      logger.warn('Integration log buffer full; oldest entries dropped', { dropped: dropped + excess });
    }
    dropped += excess;
  }

  const flusher = createBatchFlusher(
    {
      async write() {
        while (buffer.length > 0) {
          const batch = buffer.splice(0, batchSize);
          try {
            await storage.logs.append(batch);
          } catch (error) {
            buffer = batch.concat(buffer);
            dropOverflow();
            logger.error('Writing the integration log failed; entries stay buffered', { error, entries: buffer.length });
            return false;
          }
        }
        return true;
      },
      async prune(nowMs) {
        await storage.logs.prune({ beforeMs: nowMs - retentionMs, keepNewest: maxEntries });
      },
    },
    { clock, logger },
    { flushIntervalMs: options.flushIntervalMs ?? 1_000, pruneIntervalMs, what: 'integration log' },
  );

  function entry(record: LogRecord): LogEntry {
    return {
      id: ids.logId(),
      intId: record.intId,
      direction: record.direction,
      event: record.event.slice(0, EVENT_MAX_LENGTH),
      status: record.status,
      payload: record.payload === undefined ? null : mask(record.payload),
      error: record.error ? String(mask(record.error)).slice(0, ERROR_MAX_LENGTH) : '',
      loggedAt: clock.now(),
    };
  }

  return {
    entry,
    write(record) {
      buffer.push(entry(record));
      dropOverflow();
      if (buffer.length >= batchSize) void flusher.flush();
      else flusher.schedule();
    },
    flush: flusher.flush,
    schedule: flusher.schedule,
    get dropped() {
      return dropped;
    },
  };
}

// Webhook handlers and inbox upkeep of docs/operations.md. The test gives the forwarding handler
// a receiver that fails, then hangs, then answers; runs the ticket handler twice on one event; and
// retries failed events.
// #region forward
import type { WebhookHandler } from '@portico/core';

/** Passes each accepted webhook on to another service of the host, which de-duplicates by `idempotency-key`. */
export function forwardingHandler(url: string): WebhookHandler {
  return async (event, { signal }) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': event.id },
      body: Buffer.from(event.rawBody),
      // Aborts when the call passes handoff.timeoutMs: the hand-off counts as failed and is retried.
      signal,
    });
    // Throwing (or rejecting) makes Portico call again, with the same event.id, after the next wait
    // of handoff.retryScheduleMs.
    if (!response.ok) throw new Error(`The ticket service answered ${response.status}.`);
  };
}
// #endregion forward

// #region tickets
import type Database from 'better-sqlite3';

/** Opens one ticket per alert in the host's own database, however often Portico calls it with one event. */
export function ticketHandler(db: Database.Database): WebhookHandler {
  db.exec(`CREATE TABLE IF NOT EXISTS tickets (
    event_id TEXT PRIMARY KEY, int_id TEXT NOT NULL, title TEXT NOT NULL, opened_at INTEGER NOT NULL)`);
  // The ticket and the record of having handled the event are one row: a second call inserts nothing.
  const open = db.prepare('INSERT INTO tickets (event_id, int_id, title, opened_at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING');
  return (event) => {
    if (event.test) return; // an integration in TEST status: real requests, not production data
    const { data } = event.payload as { data?: { host?: string } };
    open.run(event.id, event.intId, `${event.event} on ${data?.host ?? 'an unknown host'}`, event.receivedAt);
  };
}
// #endregion tickets

// #region retry
import { isPorticoError, type Gateway } from '@portico/core';

/** Hands every failed event of an integration to the handler once more; returns their ids. */
export async function retryFailedEvents(gateway: Gateway, intId: string, actor: string): Promise<string[]> {
  const retried: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await gateway.events.list({ intId, status: 'failed', cursor, limit: 100 });
    for (const event of page.items) {
      try {
        await gateway.events.retry(event.id, actor);
        retried.push(event.id);
      } catch (error) {
        // Retried meanwhile by someone else: it is pending again, or already delivered.
        if (!isPorticoError(error, 'EVENT_NOT_FAILED')) throw error;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return retried;
}
// #endregion retry

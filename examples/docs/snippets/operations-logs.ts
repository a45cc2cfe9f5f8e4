// Reading the integration log of docs/operations.md: in process with `gateway.logs.query`, and over
// HTTP with `GET /logs`, following the cursor from page to page.

// #region query
import type { Gateway, LogEntry } from '@portico/core';

/** The errors of one integration in the last hour, newest first, read page by page. */
export async function* recentErrors(gateway: Gateway, intId: string, pageSize = 100): AsyncGenerator<LogEntry> {
  const sinceMs = Date.now() - 3_600_000;
  let cursor: string | undefined;
  do {
    // A cursor holds a position, not the filters: send the same filters with it.
    const page = await gateway.logs.query({ intId, status: 'ERROR', sinceMs, cursor, limit: pageSize });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
// #endregion query

// #region http
/** One log entry as `GET /logs` answers it. */
export interface WireLogEntry {
  log_id: string;
  int_id: string;
  direction: 'IN' | 'OUT' | 'SYSTEM';
  event: string;
  status: 'OK' | 'ERROR' | 'RATE_LIMITED';
  payload: unknown;
  error: string;
  logged_at: string;
}

/** Every entry matching `filters` (`int_id`, `direction`, `status`, `since`, `until`, `limit`), newest first. */
export async function fetchLogs(base: string, token: string, filters: Record<string, string>): Promise<WireLogEntry[]> {
  const entries: WireLogEntry[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '500', ...filters, ...(cursor !== null && { cursor }) });
    const response = await fetch(`${base}/logs?${query}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET /logs answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { total: number; logs: WireLogEntry[]; next_cursor: string | null };
    entries.push(...page.logs);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return entries;
}
// #endregion http

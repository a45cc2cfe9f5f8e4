// Watching outbound deliveries, as in docs/operations.md: which integrations keep failing, and
// sending their failed deliveries again once the receiver is fixed.

// #region retry
type Page<K extends string, T> = Record<K, T[]> & { total: number; next_cursor: string | null };

async function* pages<K extends string, T>(base: string, token: string, path: string, key: K, query: Record<string, string>) {
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor !== null && { cursor }) });
    const response = await fetch(`${base}${path}?${params}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    const page = (await response.json()) as Page<K, T>;
    yield* page[key];
    cursor = page.next_cursor;
  } while (cursor !== null);
}

/** Integrations whose newest deliveries all failed (or whose receiver answered 410 Gone). */
export async function failingIntegrations(base: string, token: string): Promise<string[]> {
  const failing: string[] = [];
  for await (const integration of pages<'integrations', { int_id: string; failing: boolean }>(base, token, '/integrations', 'integrations', {})) {
    if (integration.failing) failing.push(integration.int_id);
  }
  return failing;
}

/** Makes every failed delivery of an integration due again; the dispatcher sends each with its first `webhook-id`. */
export async function retryFailed(base: string, token: string, intId: string): Promise<string[]> {
  const failed = pages<'deliveries', { delivery_id: string }>(base, token, '/deliveries', 'deliveries', { int_id: intId, status: 'failed' });
  const retried: string[] = [];
  for await (const { delivery_id: id } of failed) {
    const response = await fetch(`${base}/deliveries/${encodeURIComponent(id)}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    // 409 DELIVERY_NOT_FAILED: someone retried it meanwhile.
    if (response.status === 202) retried.push(id);
    else if (response.status !== 409) throw new Error(`Retrying ${id} answered ${response.status}`);
  }
  return retried;
}
// #endregion retry

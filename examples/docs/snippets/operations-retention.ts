// Retention settings of docs/operations.md, spread into createGateway's options.

// #region retention
import type { GatewayOptions } from '@portico/core';

const DAY_MS = 86_400_000;

/**
 * Shorter than the defaults (30 days and 100,000 log entries; 7 and 400 days of usage; 30 days of
 * deliveries; 7 days of inbox events).
 */
export const retention = {
  logs: { retentionMs: 14 * DAY_MS, maxEntries: 50_000 },
  usage: { minuteRetentionMs: 2 * DAY_MS, hourRetentionMs: 90 * DAY_MS },
  delivery: { retentionMs: 7 * DAY_MS },
  handoff: { retentionMs: 3 * DAY_MS },
} satisfies Pick<GatewayOptions, 'logs' | 'usage' | 'delivery' | 'handoff'>;

// createGateway({ storage, keyRing, ...retention })
// #endregion retention

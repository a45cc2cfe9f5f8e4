import { integrationTypeLabels, type IntegrationStatus, type IntegrationType, type SignatureScheme } from '../model';
import type { IntegrationRecord, UsageCounts } from '../storage/records';

/** Request counters of one integration. */
export interface IntegrationStats {
  /** Successful plus failed requests; rate-limited ones are counted apart. */
  totalRequests: number;
  successRequests: number;
  errorRequests: number;
  rateLimitedRequests: number;
  /** ISO 8601, or null before the first request. */
  lastRequestAt: string | null;
}

/** An integration as the API shows it: no key hash, no secret, sensitive header values masked. */
export interface Integration {
  id: string;
  name: string;
  type: IntegrationType;
  typeLabel: string;
  description: string;
  endpointUrl: string | null;
  /** Custom outbound headers; values of sensitive names are `***`. */
  headers: Record<string, string>;
  status: IntegrationStatus;
  /** True unless the status is `INACTIVE`; the original's switch. */
  enabled: boolean;
  /** Requests per minute. */
  rateLimit: number;
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  updatedBy: string | null;
  /** ISO 8601, or null when never updated. */
  updatedAt: string | null;
  stats: IntegrationStats;
  /** The start of the current API key, to recognise it. */
  apiKeyPrefix: string;
  hasSecret: boolean;
  signatureScheme: SignatureScheme | null;
  /**
   * Until when webhooks signed with the secret replaced by the last `rotateSecret` are still
   * accepted (ISO 8601); null when no replaced secret verifies any more. Never the secret itself.
   */
  previousSecretExpiresAt: string | null;
  /** Outbound deliveries keep failing. */
  failing: boolean;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The public view of a stored record at `nowMs`. */
export function toIntegration(record: IntegrationRecord, usage: UsageCounts, nowMs: number): Integration {
  const previousExpiresAt = record.previousSecretExpiresAt;
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    typeLabel: integrationTypeLabels[record.type],
    description: record.description,
    endpointUrl: record.endpointUrl,
    headers: record.headers,
    status: record.status,
    enabled: record.status !== 'INACTIVE',
    rateLimit: record.rateLimit,
    createdBy: record.createdBy,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedBy: record.updatedBy,
    updatedAt: iso(record.updatedAt),
    stats: {
      totalRequests: usage.success + usage.error,
      successRequests: usage.success,
      errorRequests: usage.error,
      rateLimitedRequests: usage.rateLimited,
      lastRequestAt: iso(usage.lastAtMs),
    },
    apiKeyPrefix: record.keyPrefix,
    hasSecret: record.sealedSecret !== null,
    signatureScheme: record.signatureScheme,
    previousSecretExpiresAt:
      record.previousSealedSecret !== null && previousExpiresAt !== null && previousExpiresAt > nowMs ? iso(previousExpiresAt) : null,
    failing: record.failing,
  };
}

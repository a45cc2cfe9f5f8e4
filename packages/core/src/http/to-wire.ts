import type { z } from 'zod';
import type { EndpointTestResult } from '../delivery/endpoint-test';
import { bodyValue } from '../delivery/notification';
import type { SendResult } from '../delivery/send-notification';
import type { GatewayStats } from '../gateway';
import { mask } from '../mask/mask';
import { integrationTypeLabels } from '../model';
import type { CreatedIntegration, RotatedKey } from '../registry/integration-registry';
import type { Integration } from '../registry/integration';
import type { DeliveryRecord, LogEntry } from '../storage/records';
import type {
  deliveryWireSchema,
  endpointTestWireSchema,
  integrationCreatedWireSchema,
  integrationWireSchema,
  keyRotatedWireSchema,
  logEntryWireSchema,
  sendResultWireSchema,
  statsWireSchema,
} from './wire';

const iso = (ms: number) => new Date(ms).toISOString();

/** An integration in wire form. */
export function integrationToWire(integration: Integration): z.infer<typeof integrationWireSchema> {
  return {
    int_id: integration.id,
    name: integration.name,
    type: integration.type,
    type_label: integration.typeLabel,
    description: integration.description,
    endpoint_url: integration.endpointUrl,
    headers: integration.headers,
    status: integration.status,
    enabled: integration.enabled,
    rate_limit: integration.rateLimit,
    created_by: integration.createdBy,
    created_at: integration.createdAt,
    updated_by: integration.updatedBy,
    updated_at: integration.updatedAt,
    stats: {
      total_requests: integration.stats.totalRequests,
      success_requests: integration.stats.successRequests,
      error_requests: integration.stats.errorRequests,
      rate_limited_requests: integration.stats.rateLimitedRequests,
      last_request_at: integration.stats.lastRequestAt,
    },
    api_key_prefix: integration.apiKeyPrefix,
    has_secret: integration.hasSecret,
    signature_scheme: integration.signatureScheme,
    previous_secret_expires_at: integration.previousSecretExpiresAt,
    failing: integration.failing,
  };
}

/** The answer to a create, in wire form. */
export function createdToWire(created: CreatedIntegration): z.infer<typeof integrationCreatedWireSchema> {
  return {
    ...integrationToWire(created.integration),
    api_key: created.apiKey,
    ...(created.secret === undefined ? {} : { secret: created.secret }),
    warning: created.warning,
  };
}

/** The answer to a key rotation, in wire form. */
export function rotatedToWire(rotated: RotatedKey): z.infer<typeof keyRotatedWireSchema> {
  return {
    int_id: rotated.integration.id,
    api_key: rotated.apiKey,
    api_key_prefix: rotated.integration.apiKeyPrefix,
    previous_key_expires_at: rotated.previousKeyExpiresAt,
    warning: rotated.warning,
  };
}

/** A log entry in wire form. */
export function logEntryToWire(entry: LogEntry): z.infer<typeof logEntryWireSchema> {
  return {
    log_id: entry.id,
    int_id: entry.intId,
    direction: entry.direction,
    event: entry.event,
    status: entry.status,
    payload: entry.payload,
    error: entry.error,
    logged_at: iso(entry.loggedAt),
  };
}

/** Gateway stats in wire form. */
export function statsToWire(stats: GatewayStats): z.infer<typeof statsWireSchema> {
  return {
    total_integrations: stats.totalIntegrations,
    enabled: stats.enabled,
    disabled: stats.disabled,
    by_status: stats.byStatus,
    total_requests: stats.totalRequests,
    total_errors: stats.totalErrors,
    total_rate_limited: stats.totalRateLimited,
    success_rate_pct: stats.successRatePct,
    by_type: stats.byType,
    total_log_entries: stats.totalLogEntries,
    integration_types: { ...integrationTypeLabels },
  };
}

/** The answer to a send, in wire form. */
export function sendResultToWire(result: SendResult): z.infer<typeof sendResultWireSchema> {
  return {
    sent: result.sent,
    status_code: result.statusCode,
    int_id: result.intId,
    delivery_id: result.deliveryId,
    status: result.status,
    ...(result.error !== undefined && { error: result.error }),
  };
}

/** The answer to an endpoint test, in wire form: absent fields stay absent, as in the original. */
export function endpointTestToWire(result: EndpointTestResult): z.infer<typeof endpointTestWireSchema> {
  return {
    status: result.status,
    ...(result.statusCode !== undefined && { status_code: result.statusCode }),
    ...(result.elapsedMs !== undefined && { elapsed_ms: result.elapsedMs }),
    ...(result.url !== undefined && { url: result.url }),
    ...(result.message !== undefined && { message: result.message }),
  };
}

/** A delivery in wire form: the body masked (it may hold the host's data), the lease left out. */
export function deliveryToWire(delivery: DeliveryRecord): z.infer<typeof deliveryWireSchema> {
  return {
    delivery_id: delivery.id,
    int_id: delivery.intId,
    event: delivery.event,
    status: delivery.status,
    body: mask(bodyValue(delivery.body)),
    attempts: delivery.attempts.map((attempt) => ({
      at: iso(attempt.at),
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
    })),
    next_attempt_at: delivery.nextAttemptAt === null ? null : iso(delivery.nextAttemptAt),
    created_at: iso(delivery.createdAt),
    updated_at: iso(delivery.updatedAt),
  };
}

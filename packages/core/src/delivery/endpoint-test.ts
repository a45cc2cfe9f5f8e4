import type { SecretOpener } from '../crypto/cached-opener';
import type { EgressClient } from '../egress/egress-client';
import { PorticoError } from '../errors';
import type { LogWriter } from '../logs/log-writer';
import type { Storage } from '../storage/storage';
import { customHeaders, USER_AGENT } from './delivery-headers';
import { describeFailure } from './verdict';

/** What `gateway.testIntegration` answers, as the original's test endpoint. */
export interface EndpointTestResult {
  /** `OK` for an answer below 400, `ERROR` for any other answer or none, `SKIPPED` without an endpoint. */
  status: 'OK' | 'ERROR' | 'SKIPPED';
  statusCode?: number;
  elapsedMs?: number;
  url?: string;
  /** Why it was skipped or failed. */
  message?: string;
}

/** Pings an integration's endpoint. */
export type TestEndpoint = (intId: string) => Promise<EndpointTestResult>;

/** The original gave a ping five seconds. */
export const ENDPOINT_TEST_TIMEOUT_MS = 5_000;

/**
 * Creates the endpoint test: a GET of the endpoint through the egress client, so it goes only
 * where notifications may go, with the integration's custom headers (an endpoint behind
 * authentication answers as it will to notifications). Logged as `OUT TEST_PING`.
 *
 * @example
 * ```ts
 * const testEndpoint = createEndpointTester({ storage, openSealed, egress, log });
 * await testEndpoint('GW-1A2B3C4D'); // { status: 'OK', statusCode: 200, elapsedMs: 12, url: '…' }
 * ```
 */
export function createEndpointTester(deps: { storage: Storage; openSealed: SecretOpener; egress: EgressClient; log: LogWriter }): TestEndpoint {
  const { storage, openSealed, egress, log } = deps;

  return async function testEndpoint(intId) {
    const integration = await storage.integrations.get(intId);
    if (integration === null) throw new PorticoError('NOT_FOUND', `Integration '${intId}' not found.`);
    const url = integration.endpointUrl;
    if (url === null) return { status: 'SKIPPED', message: 'The integration has no endpoint_url.' };
    try {
      const headers = { ...customHeaders(openSealed, integration), 'user-agent': USER_AGENT };
      const response = await egress.request(url, { method: 'GET', headers, timeoutMs: ENDPOINT_TEST_TIMEOUT_MS });
      const status = response.statusCode < 400 ? 'OK' : 'ERROR';
      log.write({ intId, direction: 'OUT', event: 'TEST_PING', status, payload: { url, status_code: response.statusCode } });
      return { status, statusCode: response.statusCode, elapsedMs: Math.round(response.durationMs), url };
    } catch (error) {
      const message = describeFailure(error);
      log.write({ intId, direction: 'OUT', event: 'TEST_PING', status: 'ERROR', payload: { url }, error: message });
      return { status: 'ERROR', message, url };
    }
  };
}

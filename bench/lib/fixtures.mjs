// @ts-check
// What every scenario shares: the webhook body, the signing secret and how a gateway under test
// is set up, so that Portico and its baselines always handle the same bytes.
import { createGateway, generateKeyRing } from '@portico/core';

/** A ticket webhook of realistic size, with fields that masking must hide. */
export const WEBHOOK_BODY = JSON.stringify({
  event: 'TICKET_CREATED',
  ticket: {
    id: 'SR-104233',
    title: 'VPN drops every 20 minutes on the 3rd floor',
    priority: 'HIGH',
    reporter: { name: 'Kim Minji', email: 'minji.kim@corp.example', phone: '+82-2-555-0142' },
    tags: ['network', 'vpn', 'floor-3'],
    created_at: '2026-01-15T09:12:44Z',
  },
  auth: { api_key: 'sk_live_51Hx9aQ2eZvKYlo2C8PqkR3tU', password: 'hunter2-not-real' },
  links: { self: 'https://itsm.corp.example/sr/104233?token=abc123def456' },
});

/** Operators' messages are not part of what is measured. */
export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A gateway as a host would run it, with a stable key ring and no console noise.
 * @param {import('@portico/core').GatewayOptions} [options]
 */
export function benchGateway(options = {}) {
  return createGateway({ keyRing: generateKeyRing(), logger: silentLogger, ...options });
}

/**
 * Registers `count` signed inbound integrations through the public registry.
 * @param {import('@portico/core').Gateway} gateway
 * @param {number} count
 * @param {string} secret the Standard Webhooks secret (`whsec_…`) they all share
 * @param {number} [rateLimit] requests per minute; the schema's ceiling by default, so the load is never refused
 * @returns {Promise<string[]>} their API keys
 */
export async function registerIntegrations(gateway, count, secret, rateLimit = 100_000) {
  const keys = [];
  for (let index = 0; index < count; index++) {
    const { apiKey } = await gateway.integrations.create(
      { name: `Bench ${index}`, type: 'WEBHOOK_IN', secret, rateLimit },
      'bench',
    );
    keys.push(apiKey);
  }
  return keys;
}

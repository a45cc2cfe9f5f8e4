import { createHash, createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { manualClock } from '../../src/clock';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway, type GatewayOptions } from '../../src/gateway';
import type { InboundEvent } from '../../src/inbound/inbound-event';
import { silentLogger } from '../../src/logger';

export const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
export const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const PLAIN_SECRET = 'a-plain-shared-secret-of-the-original';

/** A gateway on a manual clock, collecting the events it hands to its webhook handler. */
export function setup(options: GatewayOptions = {}) {
  const clock = manualClock(T0);
  const gateway = createGateway({ clock, keyRing: generateKeyRing(), logger: silentLogger, ...options });
  const events: InboundEvent[] = [];
  gateway.onWebhook((event) => {
    events.push(event);
  });
  return { clock, gateway, events };
}

/** Lets hand-offs started by an acceptance run: they follow it, off the sender's answer. */
export const handOffs = () => new Promise((resolve) => setImmediate(resolve));

export const bytes = (text: string) => new TextEncoder().encode(text);

/** Standard Webhooks headers made by the public `standardwebhooks` package. */
export function standardHeaders(secret: string, id: string, atMs: number, body: string) {
  const signature = new Webhook(secret).sign(id, new Date(atMs), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(atMs / 1000)), 'webhook-signature': signature };
}

/** The original router's scheme: HMAC keyed with the hex SHA-256 of the secret. */
export function legacyHeaders(secret: string, body: string) {
  const key = createHash('sha256').update(secret).digest('hex');
  return { 'x-hub-signature-256': `sha256=${createHmac('sha256', key).update(body).digest('hex')}` };
}

import { afterEach } from 'vitest';
import { manualClock, type ManualClock } from '../../src/clock';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { dispatcherOf } from '../../src/queue/dispatcher';
import { createEgressPolicy } from '../../src/egress/egress-policy';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway';
import { silentLogger } from '../../src/logger';
import type { IntegrationInput } from '../../src/schemas/inputs';
import { memoryStorage } from '../../src/storage/memory-storage';
import type { Storage } from '../../src/storage/storage';
import { startReceiver, type Responder, type TestReceiver } from './receiver';

export const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const PLAIN_SECRET = 'a-plain-shared-secret-of-the-original';

/** Real sockets on loopback only: 127.0.0.1 is allowed explicitly, everything else keeps the defaults. */
export const allowLoopback = createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] });

const receivers: TestReceiver[] = [];
const gateways: Gateway[] = [];

// Receivers first: their sockets close, so attempts still in flight end and the gateways stop at once.
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

/** A receiver closed after the test. */
export async function receiver(responder?: Responder): Promise<TestReceiver> {
  const started = await startReceiver(responder);
  receivers.push(started);
  return started;
}

/** A gateway that may send to loopback, stopped after the test. */
export function gatewayOn(options: GatewayOptions & { clock: ManualClock; storage: Storage }): Gateway {
  const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger, egress: { policy: allowLoopback }, ...options });
  gateways.push(gateway);
  return gateway;
}

/**
 * A gateway on a manual clock set to now (the `standardwebhooks` package checks timestamps
 * against the wall clock), a receiver, and an integration whose endpoint is that receiver.
 */
export async function setup(options: Omit<GatewayOptions, 'clock' | 'storage'> = {}, integration: Partial<IntegrationInput> = {}) {
  const clock = manualClock(Date.now());
  const storage = memoryStorage();
  const gateway = gatewayOn({ clock, storage, ...options });
  const target = await receiver();
  const created = await gateway.integrations.create(
    { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: `${target.url}/hook`, ...integration },
    'admin',
  );
  return { clock, storage, gateway, receiver: target, dispatcher: dispatcherOf(gateway), id: created.integration.id, created };
}

export const notification = { event: 'TICKET_CREATED', message: 'SR-1042 opened', data: { sr_id: 'SR-1042' } };

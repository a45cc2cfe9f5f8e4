import type { GatewayServices } from '../services';
import { createEgressClient, type EgressClientOptions } from '../egress/egress-client';
import { createEgressPolicy, type EgressPolicy } from '../egress/egress-policy';
import { createDeliveryAttempt } from './attempt-delivery';
import { createDeliveries, type Deliveries } from './deliveries';
import { resolveDeliveryOptions, type DeliveryOptions } from './delivery-options';
import { createDispatcher, type Dispatcher } from '../queue/dispatcher';
import { createEndpointTester, type TestEndpoint } from './endpoint-test';
import { createFailingFlag } from './failing-flag';
import { createSender, type SendNotification } from './send-notification';

/** Where outbound requests (notifications, endpoint tests) may go, and how they trust TLS. */
export interface EgressOptions extends Pick<EgressClientOptions, 'lookup' | 'tls'> {
  /** Default `createEgressPolicy()`: on-premises (private) addresses only. */
  policy?: EgressPolicy;
}

/** The outbound options of a gateway. */
export interface OutboundOptions {
  egress?: EgressOptions;
  delivery?: DeliveryOptions;
  /** The `source` field of every notification body. Default `portico`. */
  source?: string;
}

/** Services the outbound side needs from the gateway. */
export type OutboundDeps = GatewayServices;

/** Everything host → outside: sending, the outbox and its dispatcher, endpoint tests. */
export interface Outbound {
  send: SendNotification;
  testEndpoint: TestEndpoint;
  deliveries: Deliveries;
  dispatcher: Dispatcher;
  /** Stops the dispatcher, drains attempts in flight (at most `timeoutMs`), then closes pooled connections. */
  close(timeoutMs?: number): Promise<void>;
}

/* Answers are judged by their status; a little of the body is read only to end the exchange cleanly. */
const RESPONSE_BYTES_KEPT = 1024;

/**
 * Wires the outbound side: one egress client, one dispatcher per gateway.
 *
 * @example
 * ```ts
 * const outbound = createOutbound(services, { source: 'guardia_itsm' });
 * outbound.dispatcher.start();
 * await outbound.close();
 * ```
 */
export function createOutbound(deps: OutboundDeps, options: OutboundOptions = {}): Outbound {
  const { storage, clock, openSealed, log, usage, logger } = deps;
  const delivery = resolveDeliveryOptions(options.delivery);
  const egress = createEgressClient({
    ...options.egress,
    policy: options.egress?.policy ?? createEgressPolicy(),
    maxResponseBytes: RESPONSE_BYTES_KEPT,
  });
  const flag = createFailingFlag({ storage, log, failingAfter: delivery.failingAfter });
  const attempt = createDeliveryAttempt({ storage, clock, openSealed, egress, log, usage, logger, flag, options: delivery });
  const dispatcher = createDispatcher({
    what: 'delivery',
    claim: (claim) => storage.outbox.claim(claim),
    prune: async (nowMs) => void (await storage.outbox.prune(nowMs - delivery.retentionMs)),
    attempt,
    clock,
    logger,
    options: delivery,
  });
  let closing: Promise<void> | undefined;

  return {
    send: createSender({ ...deps, dispatcher, attempt, source: options.source ?? 'portico', leaseMs: delivery.leaseMs }),
    testEndpoint: createEndpointTester({ storage, openSealed, egress, log }),
    deliveries: createDeliveries({ storage, clock, log, dispatcher }),
    dispatcher,
    close(timeoutMs) {
      closing ??= dispatcher.stop(timeoutMs).then(() => egress.close());
      return closing;
    },
  };
}

// The gateway of docs/getting-started.md without HTTP: the host's own transport (a queue
// consumer, an RPC server, another web stack) hands webhooks to it. The test imports it and
// calls `onWebhook` as such a transport would.
// #region create
import { createGateway, keyRingFromBase64 } from '@portico/core';

// No storage given: everything lives in memory, which suits tests and trials (a 202 then promises
// only that this process has the event).
const gateway = createGateway({ keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
// Called from the inbox at least once per accepted webhook; again, with the same `event.id`, after
// a failure. `start()` runs the dispatcher that makes those retries.
gateway.onWebhook((event) => {
  console.log(`${event.event} from ${event.intId}`, event.payload);
});
gateway.start();

// The second argument is who did it, kept as `createdBy` and in the log.
const { integration, apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
// `apiKey` is shown this once (only its SHA-256 is stored): hand it to the sender now.
// #endregion create

// #region receive
import { PorticoError, type HeaderMap } from '@portico/core';

/** Called by your transport with the key, the lower-case headers and the body bytes as received. */
async function onWebhook(key: string, headers: HeaderMap, rawBody: Uint8Array) {
  try {
    // Resolves once the event is in the inbox: answer the sender only then.
    const accepted = await gateway.receiveWebhook({ key, headers, rawBody });
    return { status: 202, body: { accepted: true, event_id: accepted.eventId } };
  } catch (error) {
    // Refusals are typed: `code` (INVALID_API_KEY, SIGNATURE_INVALID, …) and the HTTP `status` to answer.
    if (error instanceof PorticoError) return { status: error.status, body: error.toProblem() };
    throw error;
  }
}
// #endregion receive

export { apiKey, gateway, integration, onWebhook };

// The gateway of docs/getting-started.md: storage, key ring, authentication, event handler and
// shutdown, shared by the guide's Express, Koa and node:http snippets. The tests set the
// environment before importing it.
import type { Server } from 'node:http';
// #region gateway
import { createGateway, keyRingFromBase64 } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';

// One SQLite file, created and migrated on first start. Give Portico a file of its own.
const storage = sqliteStorage({ filename: process.env.PORTICO_DB ?? 'portico.db' });

export const gateway = createGateway({
  storage,
  // 32 random bytes in base64 (`openssl rand -base64 32`). They seal signing secrets and outbound
  // headers at rest: lose them and those secrets cannot be opened again.
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''),
});
gateway.start(); // the dispatchers: hand-offs of webhooks to your handler, retries of notifications
// #endregion gateway

// #region authenticate
import { createHash } from 'node:crypto';
import { digestsEqual, type HttpRequest, type Principal } from '@portico/core';

// Your own authentication goes here. This one maps two bearer tokens to the roles of the default
// policy: ADMIN may do everything, PM may only send notifications.
const digest = (text: string) => createHash('sha256').update(text).digest();
const tokens = [
  { role: 'ADMIN', token: process.env.PORTICO_ADMIN_TOKEN },
  { role: 'PM', token: process.env.PORTICO_PM_TOKEN },
].flatMap(({ role, token }) => (token ? [{ role, digest: digest(token) }] : []));

export function authenticate(request: HttpRequest): Principal | null {
  const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  if (token === undefined) return null;
  // Digests of equal length, compared in constant time: the comparison leaks nothing about the token.
  const presented = digest(token);
  const match = tokens.find((known) => digestsEqual(known.digest, presented));
  return match ? { id: match.role.toLowerCase(), roles: [match.role] } : null;
}
// #endregion authenticate

// #region events
// Called at least once for each accepted webhook, with the same `event.id` each time: act once per id.
gateway.onWebhook((event) => {
  // An integration in TEST status: its events are real requests, but not production data.
  if (event.test) return;
  console.log(`${event.event} from ${event.intId}`, event.payload);
});
// #endregion events

// #region shutdown
export async function shutdown(server: Server): Promise<void> {
  // Stop taking requests and wait for those in flight; idle keep-alive connections are closed.
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  // Stop the dispatchers, wait (10 s at most) for hand-offs and deliveries in flight, then write
  // buffered log entries and usage counts.
  await gateway.stop();
  // A storage you pass in is yours to close.
  await storage.close();
}
// #endregion shutdown

export { storage };

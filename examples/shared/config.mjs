// @ts-check
// Configuration of the example servers, from the environment. Copy it into your own service and
// replace the bearer tokens with your own authentication.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEgressPolicy, createGateway, digestsEqual, keyRingFromBase64, parseEgressRules } from '@portico/core';
import { atlassianConfigFromEnv, atlassianRoutes } from '@portico/atlassian';
import { sqliteStorage } from '@portico/sqlite';

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {(line: string) => void} say where start-up messages go
 */
export function loadConfig(env, say) {
  const dataDir = resolve(env.PORTICO_DATA_DIR ?? 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  let masterKey = env.PORTICO_MASTER_KEY;
  if (!masterKey) {
    // A key kept next to the data it protects is better than none, but not good: say so.
    const file = join(dataDir, 'master.key');
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    masterKey = readFileSync(file, 'utf8').trim();
    say(`warning: PORTICO_MASTER_KEY is not set; using the key kept in ${file}. Set it from a secret store in production.`);
  }

  let adminToken = env.PORTICO_ADMIN_TOKEN;
  const tokenGenerated = !adminToken;
  if (!adminToken) {
    adminToken = randomBytes(24).toString('base64url');
    say(`PORTICO_ADMIN_TOKEN is not set; this run's admin token (shown once): ${adminToken}`);
  }

  return {
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    keyRing: keyRingFromBase64(masterKey),
    // Operator rules go ahead of the on-premises defaults, so they can widen or narrow them.
    egressPolicy: createEgressPolicy({
      prepend: parseEgressRules({ allow: env.PORTICO_EGRESS_ALLOW, deny: env.PORTICO_EGRESS_DENY }),
    }),
    authenticate: bearerAuthenticator({ ADMIN: adminToken, PM: env.PORTICO_PM_TOKEN }),
    routes: connectorRoutes(env, say),
    shutdownTimeoutMs: shutdownTimeout(env),
    // The walk-through command printed at start: with a generated token it is the only way to reach it.
    walkthroughToken: tokenGenerated ? adminToken : '"$PORTICO_ADMIN_TOKEN"',
  };
}

/**
 * How long a stopping server waits for requests in flight: `PORTICO_SHUTDOWN_TIMEOUT_MS`, default 10 s.
 * @param {NodeJS.ProcessEnv} env
 */
export function shutdownTimeout(env) {
  const text = env.PORTICO_SHUTDOWN_TIMEOUT_MS?.trim();
  if (!text) return 10_000;
  const ms = Number(text);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new Error(`PORTICO_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds, got '${text}'.`);
  }
  return ms;
}

/**
 * Bounds how long a request may take to arrive, so a client that sends slowly (a body at one
 * byte a second) cannot hold a connection, and the bytes it reserved, for long. Node's defaults
 * are 5 minutes for a whole request and 1 minute for its headers.
 * @param {import('node:http').Server} server
 */
export function limitSlowClients(server) {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
}

/**
 * Maps `Authorization: Bearer <token>` to a role, comparing digests in constant time.
 * @param {Record<string, string | undefined>} tokens role → token
 */
export function bearerAuthenticator(tokens) {
  const digest = (/** @type {string} */ text) => createHash('sha256').update(text).digest();
  const known = Object.entries(tokens)
    .filter((entry) => entry[1])
    .map(([role, token]) => ({ role, digest: digest(/** @type {string} */ (token)) }));
  /** @param {{ headers: Record<string, string | string[] | undefined> }} request */
  return (request) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (!token) return null;
    const presented = digest(token);
    const match = known.find((entry) => digestsEqual(entry.digest, presented));
    return match ? { id: match.role.toLowerCase(), roles: [match.role] } : null;
  };
}

/**
 * The gateway of the examples, on SQLite in the data folder.
 * @param {ReturnType<typeof loadConfig>} config
 * @param {(line: string) => void} say
 */
export function exampleGateway(config, say) {
  const storage = sqliteStorage({ filename: join(config.dataDir, 'portico.db') });
  const gateway = createGateway({ keyRing: config.keyRing, storage, egress: { policy: config.egressPolicy } });
  gateway.start();
  // Called at least once per accepted webhook, so a real host acts once per `event.id` (Portico's
  // id, `evt_…`); `messageId` is the sender's `webhook-id`, or null when it sent none.
  gateway.onWebhook((event) => {
    const message = event.messageId === null ? '' : ` (message ${event.messageId})`;
    const notes = [event.test && 'test', event.attempt > 1 && `attempt ${event.attempt}`].filter(Boolean);
    say(`event ${event.id}${message} from ${event.intId}: ${event.event}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
  });
  return {
    gateway,
    async stop() {
      await gateway.stop();
      await storage.close();
    },
  };
}

/**
 * On SIGINT / SIGTERM: stops accepting connections and lets the requests in flight finish, but
 * for `timeoutMs` at most: then every connection still open is closed (a client still dripping a
 * body would otherwise hold the process for as long as it likes). Then stops the service (the
 * gateway, flushing its log, then the storage) and exits, 0 when all of that went well.
 * @param {import('node:http').Server} server
 * @param {{ stop(): Promise<void> }} service
 * @param {number} timeoutMs
 */
export function stopGracefully(server, service, timeoutMs) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(deadline);
      service.stop().then(
        () => process.exit(0),
        (/** @type {unknown} */ error) => {
          console.error('Shutdown failed', error);
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Says where the gateway and its docs are, once the server listens.
 * @param {import('node:http').Server} server
 * @param {{ host: string, walkthroughToken: string }} config
 * @param {(line: string) => void} say
 */
export function announce(server, config, say) {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://${config.host}:${port}/api/gateway`;
  say(`Portico listening on ${base}`);
  say(`API docs: ${base}/docs`);
  say('Walk through it with curl, from another shell at the root of the repository:');
  say(`  ADMIN_TOKEN=${config.walkthroughToken} BASE=${base} bash examples/docs/snippets/getting-started-walkthrough.sh`);
}

/**
 * The Jira and Confluence routes, when `JIRA_BASE_URL` or `CONFLUENCE_BASE_URL` is set. The
 * service requests and articles here are a stand-in: a real host looks them up in its own data.
 * @param {NodeJS.ProcessEnv} env
 * @param {(line: string) => void} say
 */
function connectorRoutes(env, say) {
  const { jira, confluence } = atlassianConfigFromEnv(env);
  if (!jira && !confluence) return [];
  say(`Jira and Confluence connector mounted (${[jira && 'Jira', confluence && 'Confluence'].filter(Boolean).join(', ')}).`);
  /** @type {Map<string, { id: string, title: string, description: string, priority: string, jiraKey?: string }>} */
  const serviceRequests = new Map([['SR-1', { id: 'SR-1', title: 'Printer on floor 3 is down', description: 'Paper jam error E-42.', priority: 'HIGH' }]]);
  const articles = new Map([['1', { title: 'Resetting the VPN client', content: 'Open settings, choose *Reset*, sign in again.' }]]);
  return atlassianRoutes({
    jira,
    confluence,
    resolveServiceRequest: async (id) => serviceRequests.get(id) ?? null,
    saveJiraKey: async (id, key) => {
      const request = serviceRequests.get(id);
      if (request) request.jiraKey = key;
    },
    resolveArticle: async (id) => articles.get(String(id)) ?? null,
  });
}

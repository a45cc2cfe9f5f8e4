import { createHash } from 'node:crypto';
import { defineRoute, maskText, PorticoError, type Gateway, type Route, type RouteAccess } from '@portico/core';
import { z } from 'zod';
import type { ConfluenceClient } from './confluence-client';
import type { HostPriority, JiraClient } from './jira-client';
import { AtlassianRemoteError } from './remote-errors';

/** A host service request, as `resolveServiceRequest` returns it. */
export interface ServiceRequest {
  id: string;
  title: string;
  description?: string | null;
  /** `LOW`, `MEDIUM`, `HIGH` or `CRITICAL`; anything else is sent as `MEDIUM`. */
  priority?: string | null;
}

/** A host knowledge-base article, as `resolveArticle` returns it. */
export interface KnowledgeArticle {
  title: string;
  /** Plain text or light markdown. */
  content?: string | null;
}

/** The Jira side of {@link atlassianRoutes}. */
export interface JiraRouteConfig {
  client: JiraClient;
  /** Where service requests are opened, e.g. `OPS`. */
  projectKey: string;
  /** Default `Task`. */
  issueType?: string;
  /** The host's page of a service request: when given, each issue links back to it. */
  recordUrl?: (srId: string) => string;
}

/** The Confluence side of {@link atlassianRoutes}. */
export interface ConfluenceRouteConfig {
  client: ConfluenceClient;
  /** Where articles are published, e.g. `KB`. */
  spaceKey: string;
  /** Page new articles are created under. */
  parentId?: string;
}

/** One connector call, for the integration log and usage counts. Holds no secret; `error` is masked. */
export interface AtlassianCallRecord {
  operation: 'jira.sync' | 'jira.status' | 'jira.projects' | 'confluence.publish';
  ok: boolean;
  /** The SR id, issue key or KB id the call was about. */
  target?: string;
  /** The issue key or page URL it produced. */
  result?: string;
  /** The status Atlassian answered, when it answered with an error. */
  remoteStatus?: number;
  error?: string;
  durationMs: number;
}

/** Options of {@link atlassianRoutes}. An unset product's routes answer 503, as the original did. */
export interface AtlassianRoutesOptions {
  jira?: JiraRouteConfig;
  confluence?: ConfluenceRouteConfig;
  /** The service request with this id, or null when there is none. */
  resolveServiceRequest(srId: string): Promise<ServiceRequest | null>;
  /** Stores the issue key on the service request. */
  saveJiraKey(srId: string, jiraKey: string): Promise<void>;
  /** The article with this id, or null when there is none. */
  resolveArticle(kbId: string | number): Promise<KnowledgeArticle | null>;
  /** Who may call the routes. Default `authenticated`, as the original. */
  access?: RouteAccess;
  /**
   * The integration (e.g. of type `TICKETING`) whose log and usage record every connector call.
   * Without it, calls are reported to `onCall` only.
   */
  intId?: string;
  /** Told of every call. */
  onCall?: (record: AtlassianCallRecord, gateway: Gateway) => void;
}

const HOST_PRIORITIES = new Set<string>(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const SAFE_LABEL = /^[A-Za-z0-9_.-]{1,80}$/;
const tags = ['Jira and Confluence'];
const errorsOf = [400, 401, 403, 404, 503] as const;

const srParams = z.object({ sr_id: z.string().min(1).max(100).describe('The service request id.') });
const keyParams = z.object({
  jira_key: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*-[1-9]\d{0,9}$/, 'Must be an issue key such as OPS-42')
    .describe('The Jira issue key, e.g. `OPS-42`.'),
});
const syncBody = z
  .strictObject({ description: z.string().max(100_000).optional().describe("Replaces the service request's description in Jira.") })
  .optional();
const publishBody = z.strictObject({
  kb_id: z.union([z.int().nonnegative(), z.string().min(1).max(100)]).describe('The knowledge-base article id.'),
});
const syncedSchema = z
  .object({ sr_id: z.string(), jira_key: z.string(), jira_url: z.string(), synced: z.boolean() })
  .meta({ id: 'JiraSynced' });
const statusSchema = z
  .object({
    jira_key: z.string(),
    summary: z.string(),
    status: z.string().describe('Localised: show it, do not branch on it.'),
    status_category: z.enum(['new', 'indeterminate', 'done', 'undefined']).describe('To do, in progress or done: branch on this.'),
    url: z.string(),
  })
  .meta({ id: 'JiraIssueStatus' });
const projectsSchema = z
  .object({ projects: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() })) })
  .meta({ id: 'JiraProjects' });
const publishedSchema = z
  .object({ kb_id: z.union([z.int(), z.string()]), confluence_url: z.string(), published: z.boolean(), created: z.boolean() })
  .meta({ id: 'ConfluencePublished' });

/**
 * The Jira label that marks the issue of a service request: deterministic, so a retried sync
 * finds the issue instead of opening a second one. Ids that are not label-safe are hashed.
 *
 * @example
 * ```ts
 * serviceRequestLabel('SR-1042'); // 'portico-sr-SR-1042'
 * ```
 */
export function serviceRequestLabel(srId: string): string {
  const safe = SAFE_LABEL.test(srId) ? srId : `h${createHash('sha256').update(srId).digest('hex').slice(0, 24)}`;
  return `portico-sr-${safe}`;
}

function notConfigured(product: 'Jira' | 'Confluence'): PorticoError {
  const variable = product === 'Jira' ? 'JIRA_BASE_URL/JIRA_TOKEN' : 'CONFLUENCE_BASE_URL/CONFLUENCE_TOKEN';
  return new PorticoError('UPSTREAM_UNAVAILABLE', `${product} is not configured: set ${variable}.`);
}

/**
 * The original's four connector endpoints, for `createHttpHandler(gateway, { routes })`, so
 * both adapters serve them and the OpenAPI document lists them:
 * `POST /jira/sync/{sr_id}`, `GET /jira/status/{jira_key}`, `GET /jira/projects` and
 * `POST /confluence/publish`. Remote failures and an unconfigured product answer 503.
 *
 * @example
 * ```ts
 * const handler = createHttpHandler(gateway, {
 *   authenticate,
 *   routes: atlassianRoutes({
 *     jira: { client: createJiraClient({ baseUrl, auth }), projectKey: 'OPS' },
 *     resolveServiceRequest: async (id) => db.serviceRequests.find(id),
 *     saveJiraKey: async (id, key) => db.serviceRequests.update(id, { jiraKey: key }),
 *     resolveArticle: async (id) => db.articles.find(id),
 *   }),
 * });
 * ```
 */
export function atlassianRoutes(options: AtlassianRoutesOptions): Route[] {
  const access = options.access ?? 'authenticated';

  function recordCall(gateway: Gateway, record: AtlassianCallRecord) {
    if (options.intId !== undefined) {
      gateway.recordCall({
        intId: options.intId,
        direction: 'OUT',
        event: record.operation.toUpperCase().replace('.', '_'),
        status: record.ok ? 'OK' : 'ERROR',
        payload: { target: record.target, result: record.result, remote_status: record.remoteStatus, duration_ms: record.durationMs },
        error: record.error,
      });
    }
    options.onCall?.(record, gateway);
  }

  async function observe<T>(
    gateway: Gateway,
    operation: AtlassianCallRecord['operation'],
    target: string | undefined,
    run: () => Promise<{ value: T; result?: string }>,
  ): Promise<T> {
    const startedAt = performance.now();
    const durationMs = () => Math.round(performance.now() - startedAt);
    try {
      const { value, result } = await run();
      recordCall(gateway, { operation, ok: true, target, result, durationMs: durationMs() });
      return value;
    } catch (error) {
      const remoteStatus = error instanceof AtlassianRemoteError ? error.remoteStatus : undefined;
      const message = error instanceof PorticoError ? maskText(error.message) : 'unexpected error';
      recordCall(gateway, { operation, ok: false, target, remoteStatus, error: message, durationMs: durationMs() });
      throw error;
    }
  }

  return [
    defineRoute({
      method: 'POST',
      path: '/jira/sync/{sr_id}',
      operationId: 'syncServiceRequestToJira',
      summary: 'Open a Jira issue for a service request',
      description:
        'Opens the issue (or finds the one a previous sync opened, by its label) and saves its key on the service request.',
      tags,
      access,
      params: srParams,
      body: syncBody,
      responses: { 201: { description: 'Synced.', schema: syncedSchema } },
      errors: errorsOf,
      async handle({ params, body, gateway }) {
        const jira = options.jira;
        if (!jira) throw notConfigured('Jira');
        const sr = await options.resolveServiceRequest(params.sr_id);
        if (!sr) throw new PorticoError('NOT_FOUND', `Service request '${params.sr_id}' not found.`);
        const issue = await observe(gateway, 'jira.sync', params.sr_id, async () => {
          const priority = (HOST_PRIORITIES.has(sr.priority ?? '') ? sr.priority : 'MEDIUM') as HostPriority;
          const ref = await jira.client.createIssue({
            projectKey: jira.projectKey,
            issueType: jira.issueType,
            summary: sr.title,
            description: body?.description ?? sr.description ?? '',
            priority,
            idempotencyLabel: serviceRequestLabel(params.sr_id),
          });
          if (jira.recordUrl) {
            const url = jira.recordUrl(params.sr_id);
            await jira.client.addRemoteLink(ref.key, { globalId: `portico-sr=${params.sr_id}`, url, title: `${params.sr_id}: ${sr.title}` });
          }
          return { value: ref, result: ref.key };
        });
        await options.saveJiraKey(params.sr_id, issue.key);
        return { status: 201, body: { sr_id: params.sr_id, jira_key: issue.key, jira_url: issue.url, synced: true } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/jira/status/{jira_key}',
      operationId: 'getJiraIssueStatus',
      summary: "Read a Jira issue's status",
      tags,
      access,
      params: keyParams,
      responses: { 200: { description: 'The status.', schema: statusSchema } },
      errors: errorsOf,
      async handle({ params, gateway }) {
        const jira = options.jira;
        if (!jira) throw notConfigured('Jira');
        try {
          const issue = await observe(gateway, 'jira.status', params.jira_key, async () => {
            const value = await jira.client.getIssue(params.jira_key);
            return { value, result: value.statusCategory };
          });
          return {
            status: 200,
            body: { jira_key: issue.key, summary: issue.summary, status: issue.status, status_category: issue.statusCategory, url: issue.url },
          };
        } catch (error) {
          if (error instanceof AtlassianRemoteError && error.remoteStatus === 404) {
            throw new PorticoError('NOT_FOUND', `Jira has no issue '${params.jira_key}' visible to the connector.`);
          }
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/jira/projects',
      operationId: 'listJiraProjects',
      summary: 'List the Jira projects the connector can see',
      tags,
      access,
      responses: { 200: { description: 'The projects.', schema: projectsSchema } },
      errors: [401, 403, 503],
      async handle({ gateway }) {
        const jira = options.jira;
        if (!jira) throw notConfigured('Jira');
        const projects = await observe(gateway, 'jira.projects', undefined, async () => ({ value: await jira.client.listProjects() }));
        return { status: 200, body: { projects: projects.map(({ id, key, name }) => ({ id, key, name })) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/confluence/publish',
      operationId: 'publishArticleToConfluence',
      summary: 'Publish a knowledge-base article as a Confluence page',
      description: 'Creates the page, or updates the page with the same title in the space.',
      tags,
      access,
      body: publishBody,
      responses: { 200: { description: 'Published.', schema: publishedSchema } },
      errors: errorsOf,
      async handle({ body, gateway }) {
        const confluence = options.confluence;
        if (!confluence) throw notConfigured('Confluence');
        const article = await options.resolveArticle(body.kb_id);
        if (!article) throw new PorticoError('NOT_FOUND', `Knowledge-base article '${body.kb_id}' not found.`);
        const page = await observe(gateway, 'confluence.publish', String(body.kb_id), async () => {
          const value = await confluence.client.publish({
            spaceKey: confluence.spaceKey,
            parentId: confluence.parentId,
            title: article.title,
            content: article.content ?? '',
          });
          return { value, result: value.url };
        });
        return { status: 200, body: { kb_id: body.kb_id, confluence_url: page.url, published: true, created: page.created } };
      },
    }),
  ];
}

import { z } from 'zod';
import { toAdf } from './adf';
import { createAtlassianHttp, deploymentOf, type AtlassianDeployment, type AtlassianHttpOptions } from './atlassian-http';
import { AtlassianRemoteError } from './remote-errors';
import { backoffMs, isTransient, retryDelayMs, retryPolicy, withRetry, type RetryOptions } from './retry';
import { toWikiMarkup } from './wiki-markup';

/** The host's priorities, as the original's service requests carry them. */
export type HostPriority = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** Where an issue stands, whatever its localised status name: to do, in progress, or done. */
export type StatusCategory = 'new' | 'indeterminate' | 'done' | 'undefined';

/** Options of {@link createJiraClient}. */
export interface JiraClientOptions extends AtlassianHttpOptions {
  /** Default: `cloud` for email + API token, `datacenter` for a personal access token. */
  deployment?: AtlassianDeployment;
  retry?: RetryOptions;
  /** Jira priority names of the host's priorities. Default Low, Medium, High, Highest. */
  priorities?: Partial<Record<HostPriority, string>>;
  /**
   * Searches by idempotency label after a create whose outcome is unknown, before creating
   * again: Jira's search index lags a fresh issue by a moment. Default 3.
   */
  consistencySearches?: number;
}

/** What {@link JiraClient.createIssue} opens. */
export interface CreateIssueInput {
  projectKey: string;
  summary: string;
  /** Default `Task`. */
  issueType?: string;
  priority?: HostPriority;
  /** Plain text or light markdown; sent as ADF (Cloud) or escaped wiki markup (Data Center). */
  description?: string;
  labels?: readonly string[];
  /**
   * A label unique to the thing the issue is for (see `serviceRequestLabel`). With it the create
   * is idempotent: an issue already carrying it is returned, and a create that timed out is
   * searched for before it is tried again.
   */
  idempotencyLabel?: string;
}

/** An issue opened or found by {@link JiraClient.createIssue}. */
export interface JiraIssueRef {
  id: string;
  key: string;
  /** Its page in Jira. */
  url: string;
  /** False when an issue with the idempotency label already existed. */
  created: boolean;
}

/** An issue's status, as {@link JiraClient.getIssue} reads it. */
export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  /** The status name, localised: show it, do not branch on it. */
  status: string;
  /** Branch on this. */
  statusCategory: StatusCategory;
  url: string;
}

/** A project the account can see. */
export interface JiraProject {
  id: string;
  key: string;
  name: string;
}

/** A workflow step an issue can take now. */
export interface JiraTransition {
  id: string;
  name: string;
  toStatus: string;
  toCategory: StatusCategory;
}

/** A link from an issue back to the host's record. */
export interface RemoteLinkInput {
  /** Unique per linked record: posting the same one again updates the link instead of adding one. */
  globalId: string;
  url: string;
  title: string;
  summary?: string;
}

/** Jira Cloud or Data Center, through one interface. */
export interface JiraClient {
  readonly deployment: AtlassianDeployment;
  /** Opens an issue, or returns the one carrying `idempotencyLabel`. */
  createIssue(input: CreateIssueInput): Promise<JiraIssueRef>;
  /** The issue of a project carrying a label, if the search index has it yet. */
  findIssueByLabel(projectKey: string, label: string): Promise<{ id: string; key: string } | undefined>;
  /** An issue's summary and current status, by key (`OPS-42`). */
  getIssue(key: string): Promise<JiraIssue>;
  /** Every project, all pages read. */
  listProjects(): Promise<JiraProject[]>;
  /** The transitions the workflow allows from the issue's current status. */
  listTransitions(key: string): Promise<JiraTransition[]>;
  /** Moves the issue along one of {@link listTransitions}. Not retried: a repeat could move it twice. */
  transitionIssue(key: string, transitionId: string): Promise<void>;
  /** Adds or updates (same `globalId`) a link from the issue to the host's record. */
  addRemoteLink(key: string, link: RemoteLinkInput): Promise<void>;
}

const DEFAULT_PRIORITIES: Record<HostPriority, string> = { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', CRITICAL: 'Highest' };
const MAX_PROJECT_PAGES = 200;

const categorySchema = z
  .object({ key: z.string() })
  .transform(({ key }): StatusCategory => (key === 'new' || key === 'indeterminate' || key === 'done' ? key : 'undefined'));
const statusSchema = z.object({ name: z.string(), statusCategory: categorySchema });
const createdSchema = z.object({ id: z.string(), key: z.string() });
const issueSchema = z.object({ id: z.string(), key: z.string(), fields: z.object({ summary: z.string(), status: statusSchema }) });
const searchSchema = z.object({ issues: z.array(createdSchema) });
const projectSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });
const projectPageSchema = z.object({ values: z.array(projectSchema), isLast: z.boolean().optional(), total: z.number().optional() });
const transitionsSchema = z.object({
  transitions: z.array(z.object({ id: z.string(), name: z.string(), to: statusSchema })),
});

/* JQL string literal: quotes and backslashes escaped. */
function jqlString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Creates a Jira client. Cloud uses REST v3 with ADF descriptions; Data Center uses REST v2 with
 * wiki markup. Reads are retried on 429/5xx and timeouts (honouring `Retry-After`); a create is
 * retried only when it carries an idempotency label, after searching for it.
 *
 * @example
 * ```ts
 * const jira = createJiraClient({
 *   baseUrl: 'https://acme.atlassian.net',
 *   auth: { email: 'bot@acme.com', apiToken: process.env.JIRA_TOKEN! },
 * });
 * const issue = await jira.createIssue({
 *   projectKey: 'OPS',
 *   summary: 'Printer on floor 3 is down',
 *   priority: 'HIGH',
 *   description: 'Reported by **kim**\n\n- since 9:00\n- toner replaced',
 *   idempotencyLabel: 'portico-sr-SR-1042',
 * });
 * console.log(issue.key, issue.url);
 * ```
 */
export function createJiraClient(options: JiraClientOptions): JiraClient {
  const deployment = options.deployment ?? deploymentOf(options.auth);
  const http = createAtlassianHttp('Jira', options);
  const api = deployment === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  const policy = retryPolicy(options.retry);
  const priorities = { ...DEFAULT_PRIORITIES, ...options.priorities };
  const consistencySearches = options.consistencySearches ?? 3;
  const browseBase = options.baseUrl.replace(/\/+$/, '');
  const issueUrl = (key: string) => `${browseBase}/browse/${encodeURIComponent(key)}`;
  const issuePath = (key: string) => `${api}/issue/${encodeURIComponent(key)}`;

  async function findIssueByLabel(projectKey: string, label: string) {
    const jql = `project = ${jqlString(projectKey)} AND labels = ${jqlString(label)}`;
    const path = deployment === 'cloud' ? `${api}/search/jql` : `${api}/search`;
    const result = await withRetry(policy, () => http({ method: 'POST', path, body: { jql, fields: ['summary'], maxResults: 1 } }, searchSchema));
    return result.issues[0];
  }

  /* After a create of unknown outcome: give the search index a few chances to show it. */
  async function findAfterUnknownOutcome(projectKey: string, label: string) {
    for (let search = 0; search < consistencySearches; search++) {
      if (search > 0) await policy.sleep(backoffMs(policy, search - 1));
      const found = await findIssueByLabel(projectKey, label);
      if (found) return found;
    }
    return undefined;
  }

  function fieldsOf(input: CreateIssueInput): Record<string, unknown> {
    const labels = [...(input.labels ?? []), ...(input.idempotencyLabel ? [input.idempotencyLabel] : [])];
    const fields: Record<string, unknown> = {
      project: { key: input.projectKey },
      summary: input.summary.replace(/[\r\n]+/g, ' ').slice(0, 255),
      issuetype: { name: input.issueType ?? 'Task' },
    };
    if (input.priority) fields.priority = { name: priorities[input.priority] };
    if (input.description?.trim()) fields.description = deployment === 'cloud' ? toAdf(input.description) : toWikiMarkup(input.description);
    if (labels.length > 0) fields.labels = labels;
    return fields;
  }

  async function createIssue(input: CreateIssueInput): Promise<JiraIssueRef> {
    const label = input.idempotencyLabel;
    const existing = label ? await findIssueByLabel(input.projectKey, label) : undefined;
    if (existing) return { ...existing, url: issueUrl(existing.key), created: false };
    const fields = fieldsOf(input);
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await http({ method: 'POST', path: `${api}/issue`, body: { fields } }, createdSchema);
        return { ...created, url: issueUrl(created.key), created: true };
      } catch (error) {
        // Priority is often left off a project's create screen; the issue matters more than it.
        if (error instanceof AtlassianRemoteError && error.remoteStatus === 400 && 'priority' in error.fieldErrors && 'priority' in fields) {
          delete fields.priority;
          continue;
        }
        // 429 is a refusal: nothing was created. Anything else may have created the issue.
        const unknownOutcome = isTransient(error) && error.remoteStatus !== 429;
        const wait = isTransient(error) && attempt + 1 < policy.maxAttempts ? retryDelayMs(policy, attempt, error) : undefined;
        if (wait === undefined || (unknownOutcome && !label)) throw error;
        await policy.sleep(wait);
        const found = unknownOutcome && label ? await findAfterUnknownOutcome(input.projectKey, label) : undefined;
        if (found) return { ...found, url: issueUrl(found.key), created: false };
      }
    }
  }

  return {
    deployment,
    createIssue,
    findIssueByLabel,
    async getIssue(key) {
      const query = { fields: 'summary,status' };
      const issue = await withRetry(policy, () => http({ method: 'GET', path: issuePath(key), query }, issueSchema));
      const { summary, status } = issue.fields;
      return { id: issue.id, key: issue.key, summary, status: status.name, statusCategory: status.statusCategory, url: issueUrl(issue.key) };
    },
    async listProjects() {
      if (deployment === 'datacenter') return withRetry(policy, () => http({ method: 'GET', path: `${api}/project` }, z.array(projectSchema)));
      const projects: JiraProject[] = [];
      for (let page = 0; page < MAX_PROJECT_PAGES; page++) {
        const query = { startAt: projects.length, maxResults: 50 };
        const result = await withRetry(policy, () => http({ method: 'GET', path: `${api}/project/search`, query }, projectPageSchema));
        projects.push(...result.values);
        if (result.isLast !== false || result.values.length === 0) break;
      }
      return projects;
    },
    async listTransitions(key) {
      const result = await withRetry(policy, () => http({ method: 'GET', path: `${issuePath(key)}/transitions` }, transitionsSchema));
      return result.transitions.map((t) => ({ id: t.id, name: t.name, toStatus: t.to.name, toCategory: t.to.statusCategory }));
    },
    async transitionIssue(key, transitionId) {
      await http({ method: 'POST', path: `${issuePath(key)}/transitions`, body: { transition: { id: transitionId } } }, z.unknown());
    },
    async addRemoteLink(key, link) {
      const body = { globalId: link.globalId, object: { url: link.url, title: link.title, ...(link.summary ? { summary: link.summary } : {}) } };
      await withRetry(policy, () => http({ method: 'POST', path: `${issuePath(key)}/remotelink`, body }, z.unknown()));
    },
  };
}

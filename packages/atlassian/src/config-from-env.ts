import type { Dispatcher } from 'undici';
import type { AtlassianAuth, AtlassianDeployment } from './atlassian-http';
import type { ConfluenceRouteConfig, JiraRouteConfig } from './atlassian-routes';
import { createConfluenceClient } from './confluence-client';
import { createJiraClient } from './jira-client';

/** Where {@link atlassianConfigFromEnv} reads, `process.env` by default. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Transport settings the environment does not carry. */
export interface EnvClientOptions {
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/* A half-configured product is an operator's mistake: say so at start-up, naming variables, never values. */
function requireVariables(env: Env, product: string, names: readonly string[]): void {
  const missing = names.filter((name) => read(env, name) === undefined);
  if (missing.length > 0) throw new TypeError(`${product} is partly configured: set ${missing.join(', ')}.`);
}

function deploymentFrom(env: Env, name: string): AtlassianDeployment | undefined {
  const value = read(env, name);
  if (value === undefined || value === 'cloud' || value === 'datacenter') return value;
  throw new TypeError(`${name} must be 'cloud' or 'datacenter'.`);
}

function authFrom(email: string | undefined, token: string): AtlassianAuth {
  return email ? { email, apiToken: token } : { personalAccessToken: token };
}

/**
 * Builds the `jira` and `confluence` options of `atlassianRoutes` from environment variables;
 * a product whose base URL is unset is left out (its routes answer 503).
 *
 * - Jira: `JIRA_BASE_URL`, `JIRA_TOKEN`, `JIRA_PROJECT_KEY`; `JIRA_EMAIL` for Cloud (the token
 *   is then an API token; without it, a Data Center personal access token); optional
 *   `JIRA_ISSUE_TYPE`, `JIRA_DEPLOYMENT` (`cloud` / `datacenter`).
 * - Confluence: `CONFLUENCE_BASE_URL` (Cloud: `https://<site>.atlassian.net/wiki`),
 *   `CONFLUENCE_SPACE_KEY`, `CONFLUENCE_TOKEN` and `CONFLUENCE_EMAIL` (default: Jira's);
 *   optional `CONFLUENCE_PARENT_ID`, `CONFLUENCE_DEPLOYMENT`.
 *
 * @throws TypeError when a product is partly configured, naming the missing variables.
 * @example
 * ```ts
 * const { jira, confluence } = atlassianConfigFromEnv();
 * const routes = atlassianRoutes({ jira, confluence, resolveServiceRequest, saveJiraKey, resolveArticle });
 * ```
 */
export function atlassianConfigFromEnv(
  env: Env = process.env,
  options: EnvClientOptions = {},
): { jira?: JiraRouteConfig; confluence?: ConfluenceRouteConfig } {
  const config: { jira?: JiraRouteConfig; confluence?: ConfluenceRouteConfig } = {};
  const jiraUrl = read(env, 'JIRA_BASE_URL');
  if (jiraUrl) {
    requireVariables(env, 'Jira', ['JIRA_TOKEN', 'JIRA_PROJECT_KEY']);
    const client = createJiraClient({
      ...options,
      baseUrl: jiraUrl,
      auth: authFrom(read(env, 'JIRA_EMAIL'), read(env, 'JIRA_TOKEN') ?? ''),
      deployment: deploymentFrom(env, 'JIRA_DEPLOYMENT'),
    });
    config.jira = { client, projectKey: read(env, 'JIRA_PROJECT_KEY') ?? '', issueType: read(env, 'JIRA_ISSUE_TYPE') };
  }
  const confluenceUrl = read(env, 'CONFLUENCE_BASE_URL');
  if (confluenceUrl) {
    const token = read(env, 'CONFLUENCE_TOKEN') ?? read(env, 'JIRA_TOKEN');
    if (!token) throw new TypeError('Confluence is partly configured: set CONFLUENCE_TOKEN.');
    requireVariables(env, 'Confluence', ['CONFLUENCE_SPACE_KEY']);
    const client = createConfluenceClient({
      ...options,
      baseUrl: confluenceUrl,
      auth: authFrom(read(env, 'CONFLUENCE_EMAIL') ?? read(env, 'JIRA_EMAIL'), token),
      deployment: deploymentFrom(env, 'CONFLUENCE_DEPLOYMENT'),
    });
    config.confluence = { client, spaceKey: read(env, 'CONFLUENCE_SPACE_KEY') ?? '', parentId: read(env, 'CONFLUENCE_PARENT_ID') };
  }
  return config;
}

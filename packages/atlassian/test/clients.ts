import { createConfluenceClient, type ConfluenceClientOptions } from '../src/confluence-client';
import { createJiraClient, type JiraClientOptions } from '../src/jira-client';
import { CLOUD_EMAIL, CLOUD_TOKEN, DC_TOKEN, type FakeAtlassian } from './fake-atlassian';

/** Retries without real waiting, so fault tests stay fast. */
export const fastRetry = { sleep: async () => {}, maxAttempts: 3 };

export const deployments = [
  { deployment: 'cloud' as const, auth: { email: CLOUD_EMAIL, apiToken: CLOUD_TOKEN }, jiraApi: '/rest/api/3' },
  { deployment: 'datacenter' as const, auth: { personalAccessToken: DC_TOKEN }, jiraApi: '/rest/api/2' },
];

export type Deployment = (typeof deployments)[number];

export function jiraFor(fake: FakeAtlassian, target: Deployment, options: Partial<JiraClientOptions> = {}) {
  return createJiraClient({ baseUrl: fake.url, auth: target.auth, retry: fastRetry, ...options });
}

export function confluenceFor(fake: FakeAtlassian, target: Deployment, options: Partial<ConfluenceClientOptions> = {}) {
  const baseUrl = target.deployment === 'cloud' ? `${fake.url}/wiki` : fake.url;
  return createConfluenceClient({ baseUrl, auth: target.auth, retry: fastRetry, ...options });
}

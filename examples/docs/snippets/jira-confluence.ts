// The Jira and Confluence mount of docs/jira-and-confluence.md. The test points the JIRA_* and
// CONFLUENCE_* variables at a fake Atlassian on loopback and calls the routes over HTTP.
import { createHash } from 'node:crypto';
import express from 'express';
import { createGateway, digestsEqual, keyRingFromBase64, type HttpRequest, type Principal } from '@portico/core';
import type { KnowledgeArticle, ServiceRequest } from '@portico/atlassian';

// Stand-ins for the host's own data: a real host reads and writes its database here.
const serviceRequests = {
  rows: new Map<string, ServiceRequest & { jiraKey?: string }>([
    ['SR-1042', { id: 'SR-1042', title: 'Printer on floor 3 is down', description: 'Paper jam, error E-42.', priority: 'HIGH' }],
  ]),
  async find(id: string): Promise<ServiceRequest | null> {
    return this.rows.get(id) ?? null;
  },
  async setJiraKey(id: string, key: string): Promise<void> {
    const row = this.rows.get(id);
    if (row) row.jiraKey = key;
  },
};
const articles = {
  rows: new Map<string, KnowledgeArticle>([['7', { title: 'Resetting the VPN client', content: '1. Open Settings.\n2. Choose Reset.' }]]),
  async find(id: string | number): Promise<KnowledgeArticle | null> {
    return this.rows.get(String(id)) ?? null;
  },
};

// The host's authentication: one bearer token for its agents, compared in constant time.
const agentDigest = createHash('sha256').update(process.env.PORTICO_AGENT_TOKEN ?? '').digest();
function authenticate(request: HttpRequest): Principal | null {
  const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  if (token === undefined) return null;
  return digestsEqual(createHash('sha256').update(token).digest(), agentDigest) ? { id: 'agent', roles: ['AGENT'] } : null;
}

const gateway = createGateway({ keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
// The integration whose log and usage show the connector's calls.
const { integration } = await gateway.integrations.create({ name: 'Jira and Confluence', type: 'TICKETING' }, 'setup');
const jiraIntegrationId = integration.id;
const app = express();

// The imports stand here, with the code the guide shows; ES modules hoist them anyway.
// #region mount
import { atlassianConfigFromEnv, atlassianRoutes } from '@portico/atlassian';
import { createExpressRouter } from '@portico/express';

const { jira, confluence } = atlassianConfigFromEnv(); // or build clients with createJiraClient / createConfluenceClient
app.use(
  createExpressRouter(gateway, {
    authenticate,
    routes: atlassianRoutes({
      jira,
      confluence,
      intId: jiraIntegrationId, // optional: log and count every call under this integration
      resolveServiceRequest: (id) => serviceRequests.find(id), // { id, title, description, priority } | null
      saveJiraKey: (id, key) => serviceRequests.setJiraKey(id, key),
      resolveArticle: (id) => articles.find(id), // { title, content } | null
    }),
  }),
);
// #endregion mount

export { app, gateway, jiraIntegrationId, serviceRequests };

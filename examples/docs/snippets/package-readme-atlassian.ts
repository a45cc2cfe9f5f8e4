// The example of packages/atlassian/README.md, the page npm shows for @portico/atlassian. The
// README's block is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json
// typechecks it.
import type { HttpRequest, Principal } from '@portico/core';
import type { KnowledgeArticle, ServiceRequest } from '@portico/atlassian';

// Stand-ins for the host's own code, which the README leaves to the reader.
const authenticate = (_request: HttpRequest): Principal | null => null; // see @portico/core's README
const serviceRequests = new Map<string, ServiceRequest & { jiraKey?: string }>();
const articles = new Map<string, KnowledgeArticle>();
const db = {
  serviceRequests: {
    find: async (id: string) => serviceRequests.get(id) ?? null,
    update: async (id: string, change: { jiraKey: string }) => void Object.assign(serviceRequests.get(id) ?? {}, change),
  },
  articles: { find: async (id: string | number) => articles.get(String(id)) ?? null },
};

// The imports stand here, with the code the README shows; ES modules hoist them anyway.
// #region example
import { createGateway, createHttpHandler, keyRingFromBase64 } from '@portico/core';
import { atlassianRoutes, createConfluenceClient, createJiraClient } from '@portico/atlassian';

const gateway = createGateway({ keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
const auth = { email: 'bot@acme.com', apiToken: process.env.JIRA_TOKEN! }; // Data Center: { personalAccessToken }
const handler = createHttpHandler(gateway, {
  authenticate, // yours: the connector's routes need an authenticated caller
  routes: atlassianRoutes({
    jira: { client: createJiraClient({ baseUrl: 'https://acme.atlassian.net', auth }), projectKey: 'OPS' },
    confluence: { client: createConfluenceClient({ baseUrl: 'https://acme.atlassian.net/wiki', auth }), spaceKey: 'KB' },
    // Your data: a service request { id, title, description, priority } or article { title, content } by id, or null.
    resolveServiceRequest: (id) => db.serviceRequests.find(id),
    saveJiraKey: (id, jiraKey) => db.serviceRequests.update(id, { jiraKey }),
    resolveArticle: (id) => db.articles.find(id),
  }),
});
// Serve `handler` like any other, or give the same options to createExpressRouter / createKoaRouter.
// #endregion example

export { handler };

import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_EMAIL, CLOUD_TOKEN, startFakeAtlassian, type FakeAtlassian } from '../../../packages/atlassian/test/fake-atlassian';

type Snippet = typeof import('../snippets/jira-confluence.ts');

const AGENT_TOKEN = 'docs-agent-token';

describe('Jira and Confluence mounted on Express', () => {
  let fake: FakeAtlassian;
  let snippet: Snippet;
  let server: Server;
  let base = '';

  beforeAll(async () => {
    // Jira Cloud and Confluence Cloud, as the guide's environment table configures them.
    fake = await startFakeAtlassian();
    Object.assign(process.env, {
      JIRA_BASE_URL: fake.url,
      JIRA_EMAIL: CLOUD_EMAIL,
      JIRA_TOKEN: CLOUD_TOKEN,
      JIRA_PROJECT_KEY: 'OPS',
      CONFLUENCE_BASE_URL: `${fake.url}/wiki`,
      CONFLUENCE_SPACE_KEY: 'KB',
      PORTICO_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
      PORTICO_AGENT_TOKEN: AGENT_TOKEN,
    });
    snippet = await import('../snippets/jira-confluence.ts');
    server = snippet.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await snippet?.gateway.stop();
    await fake?.close();
  });

  const call = async (method: string, path: string, body?: unknown, token = AGENT_TOKEN) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('refuses a caller the host does not authenticate', async () => {
    expect((await call('GET', '/jira/projects', undefined, 'wrong-token')).status).toBe(401);
    expect(fake.requests).toEqual([]);
  });

  it('opens a Jira issue for a service request and saves its key on it', async () => {
    const synced = await call('POST', '/jira/sync/SR-1042');

    expect(synced).toEqual({ status: 201, body: { sr_id: 'SR-1042', jira_key: 'OPS-1', jira_url: expect.stringContaining('OPS-1'), synced: true } });
    expect(fake.issues).toMatchObject([{ key: 'OPS-1', summary: 'Printer on floor 3 is down', priority: 'High', labels: ['portico-sr-SR-1042'] }]);
    expect(snippet.serviceRequests.rows.get('SR-1042')?.jiraKey).toBe('OPS-1');
    // A second sync finds the issue by its label instead of opening another.
    expect((await call('POST', '/jira/sync/SR-1042')).body).toMatchObject({ jira_key: 'OPS-1' });
    expect(fake.issues).toHaveLength(1);
    expect((await call('POST', '/jira/sync/SR-404')).status).toBe(404);
  });

  it("reads the issue's status and lists the projects", async () => {
    expect(await call('GET', '/jira/status/OPS-1')).toMatchObject({ status: 200, body: { jira_key: 'OPS-1', status_category: 'new' } });
    const projects = await call('GET', '/jira/projects');
    expect(projects.status).toBe(200);
    expect((projects.body.projects as { key: string }[]).map((project) => project.key)).toEqual(['OPS', 'NET', 'SEC', 'HR', 'MIN']);
  });

  it('publishes a knowledge-base article as a Confluence page', async () => {
    const published = await call('POST', '/confluence/publish', { kb_id: 7 });

    expect(published).toEqual({ status: 200, body: { kb_id: 7, confluence_url: expect.stringContaining('/wiki/spaces/KB/pages/'), published: true, created: true } });
    expect(fake.pages).toMatchObject([{ spaceKey: 'KB', title: 'Resetting the VPN client', body: '<ol><li>Open Settings.</li><li>Choose Reset.</li></ol>' }]);
  });

  it('logs and counts every call under the integration', async () => {
    const log = await snippet.gateway.logs.query({ intId: snippet.jiraIntegrationId, direction: 'OUT' });

    expect(log.items.map((entry) => [entry.event, entry.status]).reverse()).toEqual([
      ['JIRA_SYNC', 'OK'],
      ['JIRA_SYNC', 'OK'],
      ['JIRA_STATUS', 'OK'],
      ['JIRA_PROJECTS', 'OK'],
      ['CONFLUENCE_PUBLISH', 'OK'],
    ]);
    expect(log.items.at(-1)?.payload).toMatchObject({ target: 'SR-1042', result: 'OPS-1' });
    await snippet.gateway.flush();
    expect((await snippet.gateway.integrations.get(snippet.jiraIntegrationId)).stats).toMatchObject({ totalRequests: 5, errorRequests: 0 });
    // The connector's credentials never reach the log.
    expect(JSON.stringify(log.items)).not.toContain(CLOUD_TOKEN);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtlassianRemoteError } from '../src/remote-errors';
import { deployments, jiraFor } from './clients';
import { CLOUD_TOKEN, DC_TOKEN, startFakeAtlassian, type FakeAtlassian } from './fake-atlassian';

let fake: FakeAtlassian;
beforeEach(async () => {
  fake = await startFakeAtlassian();
});
afterEach(() => fake.close());

async function failure(promise: Promise<unknown>): Promise<AtlassianRemoteError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AtlassianRemoteError);
  return error as AtlassianRemoteError;
}

describe.each(deployments)('Jira client, $deployment', (target) => {
  it('creates an issue (201 {id,key,self}) with the mapped priority, labels and the description format of the deployment', async () => {
    const jira = jiraFor(fake, target);
    expect(jira.deployment).toBe(target.deployment);

    const issue = await jira.createIssue({
      projectKey: 'OPS',
      summary: 'Printer down\non floor 3',
      priority: 'CRITICAL',
      description: 'Toner *empty*\n\n- floor 3',
      labels: ['printer'],
    });

    expect(issue).toMatchObject({ key: 'OPS-1', created: true, url: `${fake.url}/browse/OPS-1` });
    const stored = fake.issues[0];
    expect(stored).toMatchObject({ summary: 'Printer down on floor 3', priority: 'Highest', labels: ['printer'] });
    if (target.deployment === 'cloud') expect(stored?.description).toMatchObject({ type: 'doc', version: 1 });
    else expect(stored?.description).toBe('Toner \\*empty\\*\n\n* floor 3');
  });

  it('reads the status category, not the localised name', async () => {
    const jira = jiraFor(fake, target);
    const { key } = await jira.createIssue({ projectKey: 'OPS', summary: 'VPN' });

    expect(await jira.getIssue(key)).toMatchObject({ key, status: 'Offen', statusCategory: 'new' });
    const transitions = await jira.listTransitions(key);
    const done = transitions.find((transition) => transition.toCategory === 'done');
    expect(done?.toStatus).toBe('Erledigt');
    await jira.transitionIssue(key, done?.id ?? '');
    expect(await jira.getIssue(key)).toMatchObject({ status: 'Erledigt', statusCategory: 'done' });
  });

  it('lists every project, reading every page on Cloud', async () => {
    const projects = await jiraFor(fake, target).listProjects();

    expect(projects.map((project) => project.key)).toEqual(['OPS', 'NET', 'SEC', 'HR', 'MIN']);
    if (target.deployment === 'cloud') expect(fake.calls('GET', '/rest/api/3/project/search')).toHaveLength(3);
  });

  it('adds a remote link idempotently by globalId (201 then 200)', async () => {
    const jira = jiraFor(fake, target);
    const { key } = await jira.createIssue({ projectKey: 'OPS', summary: 'link me' });
    const link = { globalId: 'portico-sr=SR-1', url: 'https://itsm.corp/sr/SR-1', title: 'SR-1' };

    await jira.addRemoteLink(key, link);
    await jira.addRemoteLink(key, { ...link, title: 'SR-1 renamed' });

    expect(fake.issues[0]?.remoteLinks.size).toBe(1);
    expect(fake.issues[0]?.remoteLinks.get('portico-sr=SR-1')).toMatchObject({ object: { title: 'SR-1 renamed' } });
  });

  it('maps a 404 in Jira’s error shape, with the remote status and message', async () => {
    const error = await failure(jiraFor(fake, target).getIssue('OPS-999'));

    expect(error.status).toBe(503);
    expect(error.remoteStatus).toBe(404);
    expect(error.message).toBe('Jira answered 404: Issue does not exist or you do not have permission to see it.');
  });

  it('maps field errors of a 400, e.g. a field not on the create screen that cannot be dropped', async () => {
    const error = await failure(jiraFor(fake, target).createIssue({ projectKey: 'SEC', summary: 'x', idempotencyLabel: 'portico-sr-1' }));

    expect(error.remoteStatus).toBe(400);
    expect(error.fieldErrors.labels).toMatch(/cannot be set/);
    expect(error.message).toContain("labels: Field 'labels' cannot be set");
  });

  it('drops priority when the create screen does not have it, and still opens the issue', async () => {
    const issue = await jiraFor(fake, target).createIssue({ projectKey: 'MIN', summary: 'no priority here', priority: 'HIGH' });

    expect(issue.created).toBe(true);
    expect(fake.issues[0]?.priority).toBeUndefined();
    expect(fake.calls('POST', `${target.jiraApi}/issue`)).toHaveLength(2);
  });

  it('maps a plain-text 401 and never shows the credentials', async () => {
    const jira = jiraFor(fake, target, {
      auth: 'email' in target.auth ? { ...target.auth, apiToken: 'wrong-token' } : { personalAccessToken: 'wrong-token' },
    });
    const error = await failure(jira.listProjects());

    expect(error.remoteStatus).toBe(401);
    expect(error.message).toBe('Jira answered 401: Client must be authenticated to access this resource.');
    for (const secret of [CLOUD_TOKEN, DC_TOKEN, 'wrong-token']) expect(JSON.stringify(error.toProblem())).not.toContain(secret);
  });

  it('honours Retry-After on 429 and 503 for reads', async () => {
    const waits: number[] = [];
    const jira = jiraFor(fake, target, { retry: { sleep: async (ms) => void waits.push(ms) } });
    fake.faults.push(
      { method: 'GET', path: `${target.jiraApi}/issue/OPS-1`, status: 429, headers: { 'retry-after': '2' }, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } },
      { method: 'GET', path: `${target.jiraApi}/issue/OPS-1`, status: 503, headers: { 'retry-after': '1' }, body: 'busy' },
    );
    await jira.createIssue({ projectKey: 'OPS', summary: 'busy' });

    expect(await jira.getIssue('OPS-1')).toMatchObject({ key: 'OPS-1' });
    expect(waits).toEqual([2_000, 1_000]);
  });

  it('fails at once, keeping the wait, when Retry-After exceeds the cap', async () => {
    const jira = jiraFor(fake, target, { retry: { sleep: async () => {}, maxRetryAfterMs: 5_000 } });
    fake.faults.push({ method: 'GET', path: `${target.jiraApi}/issue/OPS-1`, status: 429, headers: { 'retry-after': '120' } });

    const error = await failure(jira.getIssue('OPS-1'));
    expect(error).toMatchObject({ remoteStatus: 429, retryAfterMs: 120_000 });
    expect(fake.calls('GET', `${target.jiraApi}/issue/OPS-1`)).toHaveLength(1);
  });

  it('backs off with jitter on 502 and gives up after maxAttempts', async () => {
    const waits: number[] = [];
    const jira = jiraFor(fake, target, { retry: { sleep: async (ms) => void waits.push(ms), maxAttempts: 3, baseDelayMs: 100 } });
    for (let i = 0; i < 3; i++) fake.faults.push({ method: 'GET', path: `${target.jiraApi}/issue/OPS-7`, status: 502, body: '<html>bad gateway</html>' });

    const error = await failure(jira.getIssue('OPS-7'));
    expect(error.message).toBe('Jira answered 502: no details');
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  it('retries a create refused with 429 (nothing was created) and opens exactly one issue', async () => {
    fake.faults.push({ method: 'POST', path: `${target.jiraApi}/issue`, status: 429, headers: { 'retry-after': '1' } });

    const issue = await jiraFor(fake, target).createIssue({ projectKey: 'OPS', summary: 'after 429' });
    expect(issue.created).toBe(true);
    expect(fake.issues).toHaveLength(1);
  });

  it('does not retry a create without an idempotency label when its outcome is unknown', async () => {
    fake.faults.push({ method: 'POST', path: `${target.jiraApi}/issue`, delayMs: 400 });

    const error = await failure(jiraFor(fake, target, { timeoutMs: 100 }).createIssue({ projectKey: 'OPS', summary: 'slow' }));
    expect(error.remoteStatus).toBeUndefined();
    expect(error.message).toBe('Jira could not be reached: no answer in time.');
    expect(fake.calls('POST', `${target.jiraApi}/issue`)).toHaveLength(1);
  });

  it('finds the issue a timed-out create opened, through a lagging search index, and opens no second one', async () => {
    fake.searchLag = 2;
    fake.faults.push({ method: 'POST', path: `${target.jiraApi}/issue`, delayMs: 400 });
    const jira = jiraFor(fake, target, { timeoutMs: 100, consistencySearches: 4 });

    const issue = await jira.createIssue({ projectKey: 'OPS', summary: 'once only', idempotencyLabel: 'portico-sr-SR-9' });

    expect(fake.issues).toHaveLength(1);
    expect(issue).toMatchObject({ key: fake.issues[0]?.key, created: false });
    expect(fake.calls('POST', `${target.jiraApi}/issue`)).toHaveLength(1);
    const searches = fake.calls('POST', target.deployment === 'cloud' ? '/rest/api/3/search/jql' : '/rest/api/2/search');
    expect(searches.length).toBe(4);
    expect(searches[0]?.body).toEqual({ jql: 'project = "OPS" AND labels = "portico-sr-SR-9"', fields: ['summary'], maxResults: 1 });
  });

  it('returns the issue already carrying the label without creating', async () => {
    const jira = jiraFor(fake, target);
    const first = await jira.createIssue({ projectKey: 'OPS', summary: 'x', idempotencyLabel: 'portico-sr-SR-10' });
    const second = await jira.createIssue({ projectKey: 'OPS', summary: 'x', idempotencyLabel: 'portico-sr-SR-10' });

    expect(second).toMatchObject({ key: first.key, created: false });
    expect(fake.issues).toHaveLength(1);
  });
});

describe('Jira client, deployment specifics', () => {
  it('Cloud v3 refuses a string description (the fake follows the documented rule); the client sends ADF', async () => {
    const jira = jiraFor(fake, deployments[1]!, { deployment: 'cloud', auth: deployments[0]!.auth });
    await jira.createIssue({ projectKey: 'OPS', summary: 'adf', description: 'plain' });
    expect(fake.issues[0]?.description).toEqual({
      version: 1,
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'plain' }] }],
    });

    fake.faults.push({
      method: 'POST',
      path: '/rest/api/3/issue',
      status: 400,
      body: { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } },
    });
    const error = await failure(jira.createIssue({ projectKey: 'OPS', summary: 'adf', description: 'plain' }));
    expect(error.fieldErrors.description).toMatch(/Atlassian Document/);
  });

  it('Cloud uses /search/jql: the removed /search answers 410 Gone', async () => {
    const cloud = jiraFor(fake, deployments[0]!);
    await cloud.findIssueByLabel('OPS', 'portico-sr-1');
    expect(fake.calls('POST', '/rest/api/3/search/jql')).toHaveLength(1);
    expect(fake.calls('POST', '/rest/api/3/search?')).toHaveLength(0);
  });

  it('refuses a plain-http base URL that is not loopback, so credentials never travel in clear', () => {
    expect(() => jiraFor(fake, deployments[0]!, { baseUrl: 'http://jira.corp.example' })).toThrow('Jira baseUrl must use https.');
  });

  it('answers with an unexpected-shape error instead of trusting a foreign body', async () => {
    const jira = jiraFor(fake, deployments[0]!);
    fake.faults.push({ method: 'GET', path: '/rest/api/3/issue/OPS-1', status: 200, body: { hello: 'proxy' } });
    const error = await failure(jira.getIssue('OPS-1'));
    expect(error.message).toBe('Jira answered 200 with an unexpected shape.');
  });
});

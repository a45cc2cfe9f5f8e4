import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtlassianRemoteError } from '../src/remote-errors';
import { confluenceFor, deployments } from './clients';
import { startFakeAtlassian, type FakeAtlassian } from './fake-atlassian';

let fake: FakeAtlassian;
beforeEach(async () => {
  fake = await startFakeAtlassian();
});
afterEach(() => fake.close());

describe.each(deployments)('Confluence client, $deployment', (target) => {
  const pagePath = (id: string) => (target.deployment === 'cloud' ? `/wiki/api/v2/pages/${id}` : `/rest/api/content/${id}`);
  const createPath = target.deployment === 'cloud' ? '/wiki/api/v2/pages' : '/rest/api/content';

  it('creates a page in storage format, then updates the same title with version + 1', async () => {
    const confluence = confluenceFor(fake, target);

    const first = await confluence.publish({ spaceKey: 'KB', title: 'Reset the VPN', content: 'Open <settings>\n\n1. click Reset' });
    expect(first).toMatchObject({ created: true, version: 1 });
    expect(first.url).toMatch(target.deployment === 'cloud' ? /\/wiki\/spaces\/KB\/pages\/\d+\// : /\/display\/KB\/Reset%20the%20VPN$/);
    expect(fake.pages[0]?.body).toBe('<p>Open &#60;settings&#62;</p><ol><li>click Reset</li></ol>');

    const second = await confluence.publish({ spaceKey: 'KB', title: 'Reset the VPN', content: 'v2' });
    expect(second).toMatchObject({ id: first.id, created: false, version: 2 });
    expect(fake.pages).toHaveLength(1);
    expect(fake.pages[0]?.body).toBe('<p>v2</p>');
  });

  it('switches to an update when the create answers "title already exists"', async () => {
    // Someone else's page, not yet visible to the first title lookup.
    const page = fake.addPage('KB', 'Printer FAQ', 3, 1);

    const published = await confluenceFor(fake, target).publish({ spaceKey: 'KB', title: 'Printer FAQ', content: 'new' });

    expect(published).toMatchObject({ id: page.id, created: false, version: 4 });
    expect(fake.pages).toHaveLength(1);
    expect(fake.calls('POST', createPath)).toHaveLength(1);
  });

  it('re-reads the page and retries once on a 409 version conflict', async () => {
    const page = fake.addPage('KB', 'Busy page', 5);
    fake.faults.push({ method: 'PUT', path: pagePath(page.id), effect: () => void (page.version = 6) });

    const published = await confluenceFor(fake, target).publish({ spaceKey: 'KB', title: 'Busy page', content: 'mine' });

    expect(published).toMatchObject({ version: 7, created: false });
    expect(fake.calls('PUT', pagePath(page.id))).toHaveLength(2);
    expect(fake.calls('GET', pagePath(page.id))).toHaveLength(1);
  });

  it('gives up after one retry when the conflict persists, with the remote status and message', async () => {
    const page = fake.addPage('KB', 'Hot page', 1);
    const bump = () => void (page.version += 1);
    fake.faults.push({ method: 'PUT', path: pagePath(page.id), effect: bump }, { method: 'PUT', path: pagePath(page.id), effect: bump });

    const error = await confluenceFor(fake, target)
      .publish({ spaceKey: 'KB', title: 'Hot page', content: 'mine' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AtlassianRemoteError);
    expect(error).toMatchObject({ remoteStatus: 409, status: 503 });
    expect((error as Error).message).toMatch(/^Confluence answered 409: .*Version must be incremented on update\. Current version is: 3$/);
  });

  it('answers 404 for an unknown space in the error shape of the deployment', async () => {
    const error = await confluenceFor(fake, target)
      .publish({ spaceKey: 'NOPE', title: 't', content: 'c' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AtlassianRemoteError);
    expect(error).toMatchObject({ remoteStatus: 404 });
  });
});

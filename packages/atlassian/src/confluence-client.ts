import { z } from 'zod';
import { createAtlassianHttp, deploymentOf, type AtlassianDeployment, type AtlassianHttp, type AtlassianHttpOptions } from './atlassian-http';
import { AtlassianRemoteError } from './remote-errors';
import { retryPolicy, withRetry, type RetryOptions, type RetryPolicy } from './retry';
import { toStorageFormat } from './storage-format';

/** Options of {@link createConfluenceClient}. */
export interface ConfluenceClientOptions extends AtlassianHttpOptions {
  /**
   * Confluence's root: `https://acme.atlassian.net/wiki` on Cloud, `https://confluence.corp`
   * (with its context path, if any) on Data Center.
   */
  baseUrl: string;
  /** Default: `cloud` for email + API token, `datacenter` for a personal access token. */
  deployment?: AtlassianDeployment;
  retry?: RetryOptions;
}

/** What {@link ConfluenceClient.publish} writes. */
export interface PublishInput {
  spaceKey: string;
  title: string;
  /** Plain text or light markdown, converted to storage format. */
  content: string;
  /** Optional parent page id for a new page. */
  parentId?: string;
}

/** A page written by {@link ConfluenceClient.publish}. */
export interface PublishedPage {
  id: string;
  /** The page's address in Confluence. */
  url: string;
  version: number;
  /** False when a page with the same title was updated. */
  created: boolean;
}

/** Confluence Cloud (REST v2) or Data Center (REST v1), through one interface. */
export interface ConfluenceClient {
  readonly deployment: AtlassianDeployment;
  /** Creates the page, or updates the space's page with the same title: never a duplicate. */
  publish(input: PublishInput): Promise<PublishedPage>;
}

interface PageRef {
  id: string;
  version: number;
  webui: string;
}

/** One deployment's calls; `publish` is the same algorithm over both. */
interface PageApi {
  find(spaceKey: string, title: string): Promise<PageRef | undefined>;
  read(id: string): Promise<PageRef>;
  create(input: PublishInput, body: string): Promise<PageRef>;
  update(input: PublishInput, body: string, page: PageRef): Promise<PageRef>;
}

const linksSchema = z.object({ webui: z.string().default('') }).default({ webui: '' });
const pageSchema = z
  .object({ id: z.string(), version: z.object({ number: z.number() }), _links: linksSchema })
  .transform((page): PageRef => ({ id: page.id, version: page.version.number, webui: page._links.webui }));
const pageListSchema = z.object({ results: z.array(pageSchema) });
const spaceListSchema = z.object({ results: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), key: z.string() })) });

function cloudPages(http: AtlassianHttp, policy: RetryPolicy): PageApi {
  const spaceIds = new Map<string, string>();
  async function spaceId(spaceKey: string): Promise<string> {
    const known = spaceIds.get(spaceKey);
    if (known) return known;
    const { results } = await withRetry(policy, () => http({ method: 'GET', path: '/api/v2/spaces', query: { keys: spaceKey } }, spaceListSchema));
    const space = results.find((candidate) => candidate.key === spaceKey);
    if (!space) throw new AtlassianRemoteError(`Confluence has no space '${spaceKey}'.`, { service: 'Confluence', remoteStatus: 404 });
    spaceIds.set(spaceKey, space.id);
    return space.id;
  }
  const body = (value: string) => ({ representation: 'storage', value });
  return {
    async find(spaceKey, title) {
      const query = { 'space-id': await spaceId(spaceKey), title, status: 'current' };
      const { results } = await withRetry(policy, () => http({ method: 'GET', path: '/api/v2/pages', query }, pageListSchema));
      return results[0];
    },
    read: (id) => withRetry(policy, () => http({ method: 'GET', path: `/api/v2/pages/${encodeURIComponent(id)}` }, pageSchema)),
    async create(input, value) {
      const request = { spaceId: await spaceId(input.spaceKey), status: 'current', title: input.title, parentId: input.parentId, body: body(value) };
      return http({ method: 'POST', path: '/api/v2/pages', body: request }, pageSchema);
    },
    update(input, value, page) {
      const request = { id: page.id, status: 'current', title: input.title, body: body(value), version: { number: page.version + 1 } };
      return http({ method: 'PUT', path: `/api/v2/pages/${encodeURIComponent(page.id)}`, body: request }, pageSchema);
    },
  };
}

function dataCenterPages(http: AtlassianHttp, policy: RetryPolicy): PageApi {
  const body = (value: string) => ({ storage: { value, representation: 'storage' } });
  return {
    async find(spaceKey, title) {
      const query = { spaceKey, title, type: 'page', expand: 'version' };
      const { results } = await withRetry(policy, () => http({ method: 'GET', path: '/rest/api/content', query }, pageListSchema));
      return results[0];
    },
    read: (id) =>
      withRetry(policy, () => http({ method: 'GET', path: `/rest/api/content/${encodeURIComponent(id)}`, query: { expand: 'version' } }, pageSchema)),
    create(input, value) {
      const request = {
        type: 'page',
        title: input.title,
        space: { key: input.spaceKey },
        ...(input.parentId ? { ancestors: [{ id: input.parentId }] } : {}),
        body: body(value),
      };
      return http({ method: 'POST', path: '/rest/api/content', body: request }, pageSchema);
    },
    update(input, value, page) {
      const request = { id: page.id, type: 'page', title: input.title, space: { key: input.spaceKey }, body: body(value), version: { number: page.version + 1 } };
      return http({ method: 'PUT', path: `/rest/api/content/${encodeURIComponent(page.id)}`, body: request }, pageSchema);
    },
  };
}

function isDuplicateTitle(error: unknown): boolean {
  return error instanceof AtlassianRemoteError && (error.remoteStatus === 400 || error.remoteStatus === 409) && /already exists/i.test(error.message);
}

function isVersionConflict(error: unknown): boolean {
  return error instanceof AtlassianRemoteError && error.remoteStatus === 409 && !/already exists/i.test(error.message);
}

/**
 * Creates a Confluence client. `publish` looks the title up in the space and updates that page
 * (version + 1) or creates one; a "title already exists" answer to the create (someone was
 * faster) switches to an update, and a 409 version conflict re-reads the page and retries once.
 *
 * @example
 * ```ts
 * const confluence = createConfluenceClient({
 *   baseUrl: 'https://acme.atlassian.net/wiki',
 *   auth: { email: 'bot@acme.com', apiToken: process.env.CONFLUENCE_TOKEN! },
 * });
 * const page = await confluence.publish({ spaceKey: 'KB', title: 'Reset the VPN', content: '1. open settings\n2. click Reset' });
 * console.log(page.url);
 * ```
 */
export function createConfluenceClient(options: ConfluenceClientOptions): ConfluenceClient {
  const deployment = options.deployment ?? deploymentOf(options.auth);
  const http = createAtlassianHttp('Confluence', options);
  const policy = retryPolicy(options.retry);
  const pages = deployment === 'cloud' ? cloudPages(http, policy) : dataCenterPages(http, policy);
  const base = options.baseUrl.replace(/\/+$/, '');
  const published = (page: PageRef, created: boolean): PublishedPage => ({ id: page.id, url: `${base}${page.webui}`, version: page.version, created });

  async function update(input: PublishInput, body: string, page: PageRef): Promise<PageRef> {
    try {
      return await pages.update(input, body, page);
    } catch (error) {
      if (!isVersionConflict(error)) throw error;
      return pages.update(input, body, await pages.read(page.id));
    }
  }

  return {
    deployment,
    async publish(input) {
      const body = toStorageFormat(input.content);
      const existing = await pages.find(input.spaceKey, input.title);
      if (existing) return published(await update(input, body, existing), false);
      try {
        return published(await pages.create(input, body), true);
      } catch (error) {
        if (!isDuplicateTitle(error)) throw error;
        const page = await pages.find(input.spaceKey, input.title);
        if (!page) throw error;
        return published(await update(input, body, page), false);
      }
    },
  };
}

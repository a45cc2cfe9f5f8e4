import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A loopback stand-in for Jira and Confluence, Cloud and Data Center at once, answering with the
 * documented shapes: Jira REST v3 (Basic auth, ADF) and v2 (Bearer PAT, wiki markup), Confluence
 * REST v2 under /wiki (Cloud) and v1 /rest/api/content (Data Center).
 */

export const CLOUD_EMAIL = 'bot@acme.example';
export const CLOUD_TOKEN = 'ATATT3xFfGF0-cloud-api-token-0123456789';
export const DC_TOKEN = 'NjQ5MzA2NzE4OTk4OpatPAT0123456789abcdefghij';

type Json = Record<string, unknown>;

export interface FakeIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  description: unknown;
  priority?: string;
  labels: string[];
  status: { name: string; category: 'new' | 'indeterminate' | 'done' };
  /** Searches still to come before the index shows this issue. */
  hiddenForSearches: number;
  remoteLinks: Map<string, Json>;
}

export interface FakePage {
  id: string;
  spaceKey: string;
  title: string;
  body: string;
  version: number;
  /** Title lookups still to come that miss this page (someone else's create, not yet visible). */
  hiddenForLookups: number;
}

/** A scripted answer for the next matching request. */
export interface Fault {
  method: string;
  path: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Handle the request for real, but answer only after this long (so the client times out). */
  delayMs?: number;
  /** Runs when the fault fires, e.g. another user editing the page. */
  effect?: () => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const SPACES: Record<string, string> = { KB: '98306', DOCS: '98307' };
const TRANSITIONS = [
  { id: '11', name: 'Reopen', to: { name: 'Offen', statusCategory: { key: 'new', name: 'To Do' } } },
  { id: '21', name: 'Start', to: { name: 'In Arbeit', statusCategory: { key: 'indeterminate', name: 'In Progress' } } },
  { id: '31', name: 'Resolve', to: { name: 'Erledigt', statusCategory: { key: 'done', name: 'Done' } } },
];

const jiraError = (status: number, errorMessages: string[], errors: Record<string, string> = {}): Reply => ({
  status,
  body: { errorMessages, errors },
});

export class FakeAtlassian {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly issues: FakeIssue[] = [];
  readonly pages: FakePage[] = [];
  readonly faults: Fault[] = [];
  readonly projects = [
    { id: '10000', key: 'OPS', name: 'Operations' },
    { id: '10001', key: 'NET', name: 'Network' },
    { id: '10002', key: 'SEC', name: 'Security' },
    { id: '10003', key: 'HR', name: 'People' },
    { id: '10004', key: 'MIN', name: 'Minimal screens' },
  ];
  /** Fields missing from a project's create screen. */
  readonly offScreen: Record<string, string[]> = { MIN: ['priority'], SEC: ['labels'] };
  /** How many searches a newly created issue stays out of the index for. */
  searchLag = 0;
  private readonly server = createServer((request, response) => void this.serve(request, response));
  private nextIssue = 1;
  private nextPage = 1;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Requests whose path starts with `prefix` and method matches. */
  calls(method: string, prefix: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.startsWith(prefix));
  }

  addPage(spaceKey: string, title: string, version = 1, hiddenForLookups = 0): FakePage {
    const page = { id: String(65_000 + this.nextPage++), spaceKey, title, body: '<p>old</p>', version, hiddenForLookups };
    this.pages.push(page);
    return page;
  }

  private async serve(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search, authorization: request.headers.authorization, body });

    const index = this.faults.findIndex((fault) => fault.method === method && url.pathname === fault.path);
    const fault = index >= 0 ? this.faults.splice(index, 1)[0] : undefined;
    fault?.effect?.();
    let reply: Reply;
    if (fault?.status !== undefined) reply = { status: fault.status, body: fault.body, headers: fault.headers };
    else reply = this.authorised(url.pathname, request.headers.authorization) ?? this.route(method, url, body);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (response.destroyed) return;
    const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
    response.writeHead(reply.status, { ...(payload ? { 'content-type': type } : {}), ...reply.headers });
    response.end(payload);
  }

  /* Cloud paths take Basic email:token, Data Center paths a Bearer PAT; a 401 is plain text, as Atlassian's. */
  private authorised(path: string, authorization: string | undefined): Reply | undefined {
    const cloud = path.startsWith('/rest/api/3') || path.startsWith('/wiki/');
    const expected = cloud ? `Basic ${Buffer.from(`${CLOUD_EMAIL}:${CLOUD_TOKEN}`).toString('base64')}` : `Bearer ${DC_TOKEN}`;
    if (authorization === expected) return undefined;
    return { status: 401, body: 'Client must be authenticated to access this resource.' };
  }

  private route(method: string, url: URL, body: unknown): Reply {
    const path = url.pathname;
    const jira = /^\/rest\/api\/([23])(\/.*)$/.exec(path);
    if (jira) return this.jira(method, jira[1] === '3' ? 'cloud' : 'dc', jira[2] ?? '', url.searchParams, (body ?? {}) as Json);
    if (path.startsWith('/wiki/api/v2/')) return this.confluenceCloud(method, path.slice('/wiki/api/v2'.length), url.searchParams, (body ?? {}) as Json);
    if (path.startsWith('/rest/api/content')) return this.confluenceDc(method, path.slice('/rest/api/content'.length), url.searchParams, (body ?? {}) as Json);
    return { status: 404, body: 'Not found' };
  }

  private issueJson(issue: FakeIssue, base: string): Json {
    return {
      id: issue.id,
      key: issue.key,
      self: `${this.url}${base}/issue/${issue.id}`,
      fields: {
        summary: issue.summary,
        status: { name: issue.status.name, statusCategory: { key: issue.status.category, name: issue.status.category } },
      },
    };
  }

  private jira(method: string, flavour: 'cloud' | 'dc', rest: string, query: URLSearchParams, body: Json): Reply {
    const base = flavour === 'cloud' ? '/rest/api/3' : '/rest/api/2';
    if (method === 'POST' && rest === '/issue') return this.createIssue(flavour, base, body);
    if (flavour === 'cloud' && rest === '/search') {
      return jiraError(410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.']);
    }
    if (method === 'POST' && rest === (flavour === 'cloud' ? '/search/jql' : '/search')) return this.search(flavour, base, body);
    if (method === 'GET' && flavour === 'cloud' && rest === '/project/search') {
      const startAt = Number(query.get('startAt') ?? 0);
      const maxResults = Math.min(Number(query.get('maxResults') ?? 50), 2);
      const values = this.projects.slice(startAt, startAt + maxResults);
      const isLast = startAt + values.length >= this.projects.length;
      return { status: 200, body: { self: '', maxResults, startAt, total: this.projects.length, isLast, values } };
    }
    if (method === 'GET' && flavour === 'dc' && rest === '/project') return { status: 200, body: this.projects };
    const match = /^\/issue\/([^/]+)(\/transitions|\/remotelink)?$/.exec(rest);
    const issue = match && this.issues.find((candidate) => candidate.key === decodeURIComponent(match[1] ?? ''));
    if (!match || !issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    if (method === 'GET' && !match[2]) return { status: 200, body: this.issueJson(issue, base) };
    if (match[2] === '/transitions' && method === 'GET') return { status: 200, body: { expand: 'transitions', transitions: TRANSITIONS } };
    if (match[2] === '/transitions' && method === 'POST') {
      const id = (body.transition as Json | undefined)?.id;
      const transition = TRANSITIONS.find((candidate) => candidate.id === id);
      if (!transition) return jiraError(400, ['Transition id is not valid for this issue.']);
      issue.status = { name: transition.to.name, category: transition.to.statusCategory.key as FakeIssue['status']['category'] };
      return { status: 204 };
    }
    if (match[2] === '/remotelink' && method === 'POST') {
      const globalId = String(body.globalId ?? '');
      const existed = issue.remoteLinks.has(globalId);
      issue.remoteLinks.set(globalId, body);
      return { status: existed ? 200 : 201, body: { id: 10_000 + issue.remoteLinks.size, self: `${this.url}/remotelink` } };
    }
    return jiraError(405, ['Method not allowed.']);
  }

  private createIssue(flavour: 'cloud' | 'dc', base: string, body: Json): Reply {
    const fields = (body.fields ?? {}) as Json;
    const projectKey = String((fields.project as Json | undefined)?.key ?? '');
    const errors: Record<string, string> = {};
    if (!this.projects.some((project) => project.key === projectKey)) errors.project = 'valid project is required';
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
    if (typeof (fields.issuetype as Json | undefined)?.name !== 'string') errors.issuetype = 'Specify an issue type';
    const description = fields.description;
    if (description !== undefined) {
      const adf = typeof description === 'object' && description !== null && (description as Json).type === 'doc' && (description as Json).version === 1;
      if (flavour === 'cloud' && !adf) errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      if (flavour === 'dc' && typeof description !== 'string') errors.description = 'Operation value must be a string';
    }
    for (const field of this.offScreen[projectKey] ?? []) {
      if (field in fields) errors[field] = `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
    const number = this.nextIssue++;
    const issue: FakeIssue = {
      id: String(10_000 + number),
      key: `${projectKey}-${number}`,
      projectKey,
      summary: String(fields.summary),
      description,
      priority: (fields.priority as Json | undefined)?.name as string | undefined,
      labels: (fields.labels as string[] | undefined) ?? [],
      status: { name: 'Offen', category: 'new' },
      hiddenForSearches: this.searchLag,
      remoteLinks: new Map(),
    };
    this.issues.push(issue);
    return { status: 201, body: { id: issue.id, key: issue.key, self: `${this.url}${base}/issue/${issue.id}` } };
  }

  private search(flavour: 'cloud' | 'dc', base: string, body: Json): Reply {
    const jql = String(body.jql ?? '');
    const match = /^project = "([^"]*)" AND labels = "([^"]*)"$/.exec(jql);
    if (!match) return jiraError(400, [`Error in the JQL Query: ${jql}`]);
    const found = this.issues.filter((issue) => issue.projectKey === match[1] && issue.labels.includes(match[2] ?? ''));
    const visible = found.filter((issue) => issue.hiddenForSearches === 0);
    for (const issue of found) issue.hiddenForSearches = Math.max(0, issue.hiddenForSearches - 1);
    const issues = visible.slice(0, Number(body.maxResults ?? 50)).map((issue) => this.issueJson(issue, base));
    return { status: 200, body: flavour === 'cloud' ? { issues } : { startAt: 0, maxResults: 50, total: visible.length, issues } };
  }

  /* Finds a page by space and title; a hidden page is missed, once per lookup. */
  private lookup(spaceKey: string, title: string): FakePage[] {
    const found = this.pages.filter((page) => page.spaceKey === spaceKey && page.title === title);
    const visible = found.filter((page) => page.hiddenForLookups === 0);
    for (const page of found) page.hiddenForLookups = Math.max(0, page.hiddenForLookups - 1);
    return visible;
  }

  private cloudPage(page: FakePage): Json {
    return {
      id: page.id,
      status: 'current',
      title: page.title,
      spaceId: SPACES[page.spaceKey],
      version: { number: page.version, message: '', minorEdit: false },
      _links: { webui: `/spaces/${page.spaceKey}/pages/${page.id}/${encodeURIComponent(page.title)}`, editui: `/pages/resumedraft.action?draftId=${page.id}` },
    };
  }

  private confluenceCloud(method: string, rest: string, query: URLSearchParams, body: Json): Reply {
    const cloudError = (status: number, code: string, title: string): Reply => ({ status, body: { errors: [{ status, code, title, detail: null }] } });
    if (method === 'GET' && rest === '/spaces') {
      const keys = (query.get('keys') ?? '').split(',');
      const results = keys.filter((key) => SPACES[key]).map((key) => ({ id: SPACES[key], key, name: key, type: 'global' }));
      return { status: 200, body: { results, _links: {} } };
    }
    const spaceKey = Object.keys(SPACES).find((key) => SPACES[key] === (query.get('space-id') ?? body.spaceId));
    if (method === 'GET' && rest === '/pages') {
      const results = spaceKey ? this.lookup(spaceKey, query.get('title') ?? '').map((page) => this.cloudPage(page)) : [];
      return { status: 200, body: { results, _links: {} } };
    }
    if (method === 'POST' && rest === '/pages') {
      if (!spaceKey) return cloudError(404, 'NOT_FOUND', 'Space not found');
      const value = (body.body as Json | undefined)?.value;
      if ((body.body as Json | undefined)?.representation !== 'storage' || typeof value !== 'string') {
        return cloudError(400, 'INVALID_REQUEST_PARAMETER', 'body.representation must be storage');
      }
      if (this.pages.some((page) => page.spaceKey === spaceKey && page.title === body.title)) {
        return cloudError(400, 'BAD_REQUEST', 'A page with this title already exists: A page already exists with the same TITLE in this space');
      }
      const page = this.addPage(spaceKey, String(body.title));
      page.body = value;
      return { status: 200, body: this.cloudPage(page) };
    }
    const match = /^\/pages\/(\d+)$/.exec(rest);
    const page = match && this.pages.find((candidate) => candidate.id === match[1]);
    if (!page) return cloudError(404, 'NOT_FOUND', 'Page not found');
    if (method === 'GET') return { status: 200, body: this.cloudPage(page) };
    if (method === 'PUT') {
      const version = Number((body.version as Json | undefined)?.number);
      if (version !== page.version + 1) {
        return cloudError(409, 'CONFLICT', `Version must be incremented on update. Current version is: ${page.version}`);
      }
      page.version = version;
      page.title = String(body.title);
      page.body = String((body.body as Json | undefined)?.value ?? '');
      return { status: 200, body: this.cloudPage(page) };
    }
    return cloudError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
  }

  private dcPage(page: FakePage): Json {
    return {
      id: page.id,
      type: 'page',
      status: 'current',
      title: page.title,
      space: { key: page.spaceKey },
      version: { number: page.version },
      _links: { webui: `/display/${page.spaceKey}/${encodeURIComponent(page.title)}`, self: `${this.url}/rest/api/content/${page.id}` },
    };
  }

  private confluenceDc(method: string, rest: string, query: URLSearchParams, body: Json): Reply {
    const dcError = (status: number, reason: string, message: string): Reply => ({
      status,
      body: { statusCode: status, data: { authorized: true, valid: true, errors: [], successful: false }, message, reason },
    });
    if (method === 'GET' && rest === '') {
      const results = this.lookup(query.get('spaceKey') ?? '', query.get('title') ?? '').map((page) => this.dcPage(page));
      return { status: 200, body: { results, start: 0, limit: 25, size: results.length, _links: { base: this.url, context: '' } } };
    }
    if (method === 'POST' && rest === '') {
      const spaceKey = String((body.space as Json | undefined)?.key ?? '');
      if (!SPACES[spaceKey]) return dcError(404, 'Not Found', `No space with key : ${spaceKey}`);
      if (this.pages.some((page) => page.spaceKey === spaceKey && page.title === body.title)) {
        return dcError(
          400,
          'Bad Request',
          `com.atlassian.confluence.api.service.exceptions.BadRequestException: A page with this title already exists: A page already exists with the title ${String(body.title)} in the space with key ${spaceKey}`,
        );
      }
      const page = this.addPage(spaceKey, String(body.title));
      page.body = String(((body.body as Json | undefined)?.storage as Json | undefined)?.value ?? '');
      return { status: 200, body: this.dcPage(page) };
    }
    const match = /^\/(\d+)$/.exec(rest);
    const page = match && this.pages.find((candidate) => candidate.id === match[1]);
    if (!page) return dcError(404, 'Not Found', 'No content found with id');
    if (method === 'GET') return { status: 200, body: this.dcPage(page) };
    if (method === 'PUT') {
      const version = Number((body.version as Json | undefined)?.number);
      if (version !== page.version + 1) {
        return dcError(409, 'Conflict', `Version must be incremented on update. Current version is: ${page.version}`);
      }
      page.version = version;
      page.body = String(((body.body as Json | undefined)?.storage as Json | undefined)?.value ?? '');
      return { status: 200, body: this.dcPage(page) };
    }
    return dcError(405, 'Method Not Allowed', 'Method not allowed');
  }
}

/** Starts a fake on 127.0.0.1, port 0. */
export function startFakeAtlassian(): Promise<FakeAtlassian> {
  return new FakeAtlassian().start();
}

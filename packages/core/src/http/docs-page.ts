import { fieldRows, typeLabel } from './docs-fields';
import { escapeHtml, renderInline, renderMarkdown, slug, type MarkdownHeading } from './docs-markdown';
import type { JsonSchema, OpenApiContent, OpenApiDocument, OpenApiMethod, OpenApiOperation, OpenApiResponse } from './openapi-types';

/* Server-side HTML from the document alone: no script, no inline style, no outside request, so
   the page keeps a strict Content-Security-Policy. Every text of the document is escaped. */

const METHODS: readonly OpenApiMethod[] = ['get', 'post', 'put', 'delete'];
const PROBLEM_JSON = 'application/problem+json';
const UNTAGGED = 'Other';
const ERROR_COLUMNS = ['Status', 'Meaning', 'Headers'];

interface Entry {
  method: OpenApiMethod;
  path: string;
  operation: OpenApiOperation;
}

const anchor = (operationId: string) => `op-${operationId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
const badge = (method: string) => `<span class="method method-${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span>`;
const inlineCode = (text: string) => `<code>${escapeHtml(text)}</code>`;
const isProblem = (response: OpenApiResponse) => response.content?.[PROBLEM_JSON] !== undefined;

function table(headings: readonly string[], rows: readonly string[][], className: string): string {
  const head = headings.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function fieldTable(schema: JsonSchema, components: Record<string, JsonSchema>): string {
  const rows = fieldRows(schema, components).map((row) => [
    `<code><span class="parent">${escapeHtml(row.parent)}</span>${escapeHtml(row.name)}</code>`,
    escapeHtml(row.type),
    row.required ? 'required' : 'optional',
    row.notes.map(renderInline).join(' '),
  ]);
  return rows.length === 0 ? '' : table(['Field', 'Type', 'Required', 'Description'], rows, 'fields');
}

function contentBlocks(content: OpenApiContent | undefined, components: Record<string, JsonSchema>): string {
  return Object.entries(content ?? {})
    .map(
      ([mediaType, { schema }]) =>
        `<p class="media">${inlineCode(mediaType)} ${escapeHtml(typeLabel(schema))}</p>\n${fieldTable(schema, components)}`,
    )
    .join('\n');
}

function headerNames(response: OpenApiResponse): string {
  return Object.keys(response.headers ?? {})
    .map(inlineCode)
    .join(', ');
}

function accessText(operation: OpenApiOperation, document: OpenApiDocument): string {
  const access = operation['x-portico-access'];
  const schemes = document.components.securitySchemes;
  let who: string;
  if (operation.security.length > 0) {
    who = operation.security
      .map((requirement) => Object.keys(requirement).map((name) => renderInline(schemes[name]?.description ?? name)).join(' and '))
      .join(' <em>or</em> ');
  } else {
    who = access === 'webhook' ? "The integration's API key, in the path." : 'None: public.';
  }
  const needs = ['public', 'webhook', 'authenticated'].includes(access) ? '' : ` Needs the ${inlineCode(access)} permission.`;
  return who + needs;
}

function parametersBlock(operation: OpenApiOperation): string {
  const rows = (operation.parameters ?? []).map((parameter) => [
    inlineCode(parameter.name),
    escapeHtml(parameter.in),
    escapeHtml(typeLabel(parameter.schema)),
    parameter.required ? 'required' : 'optional',
    renderInline(parameter.description ?? ''),
  ]);
  return rows.length === 0 ? '' : `<h4>Parameters</h4>\n${table(['Name', 'In', 'Type', 'Required', 'Description'], rows, 'params')}`;
}

function requestBlock(operation: OpenApiOperation, components: Record<string, JsonSchema>): string {
  const body = operation.requestBody;
  if (!body) return '';
  const description = body.description === undefined ? '' : `<p>${renderInline(body.description)}</p>`;
  const required = body.required ? 'Required.' : 'Optional.';
  return `<h4>Request body</h4>\n<p>${required}</p>${description}\n${contentBlocks(body.content, components)}`;
}

function successBlock(status: string, response: OpenApiResponse, components: Record<string, JsonSchema>): string {
  const title = `<h5><span class="status">${escapeHtml(status)}</span> ${renderInline(response.description)}</h5>`;
  const headers = response.headers ? `<p class="headers">Headers: ${headerNames(response)}</p>` : '';
  return `<div class="response">${title}${headers}\n${contentBlocks(response.content, components)}</div>`;
}

function responsesBlock(operation: OpenApiOperation, components: Record<string, JsonSchema>): string {
  const answers = Object.entries(operation.responses);
  const successes = answers.filter(([, response]) => !isProblem(response));
  const errors = answers
    .filter(([, response]) => isProblem(response))
    .map(([status, response]) => [
      `<span class="status status-error">${escapeHtml(status)}</span>`,
      renderInline(response.description),
      headerNames(response),
    ]);
  const errorTable =
    errors.length === 0
      ? ''
      : `<h4>Errors</h4>\n<p>Each a <a href="#problems">problem document</a>.</p>\n${table(ERROR_COLUMNS, errors, 'errors')}`;
  const blocks = successes.map(([status, response]) => successBlock(status, response, components));
  return `<h4>Responses</h4>\n${blocks.join('\n')}\n${errorTable}`;
}

function operationBlock(entry: Entry, document: OpenApiDocument): string {
  const { operation, method, path } = entry;
  const components = document.components.schemas;
  const id = anchor(operation.operationId);
  const description = operation.description === undefined ? '' : renderMarkdown(operation.description, `${id}-`).html;
  const facts =
    `<dt>Operation</dt><dd>${inlineCode(operation.operationId)}</dd>` + `<dt>Access</dt><dd>${accessText(operation, document)}</dd>`;
  return `<section class="operation" id="${escapeHtml(id)}">
<h3>${badge(method)} <code class="path">${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(operation.summary)}</p>
<dl class="facts">${facts}</dl>
<div class="description">${description}</div>
${parametersBlock(operation)}
${requestBlock(operation, components)}
${responsesBlock(operation, components)}
</section>`;
}

function groupByTag(document: OpenApiDocument): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>(document.tags.map((tag) => [tag.name, []]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      // Under its first tag only: the page shows each operation once.
      const tag = operation.tags[0] ?? UNTAGGED;
      const group = groups.get(tag) ?? [];
      groups.set(tag, group);
      group.push({ method, path, operation });
    }
  }
  return new Map([...groups].filter(([, entries]) => entries.length > 0));
}

function problemSection(document: OpenApiDocument): string {
  const answers = Object.values(document.paths).flatMap((item) =>
    METHODS.flatMap((method) => Object.values(item[method]?.responses ?? {})),
  );
  const schema = answers.find(isProblem)?.content?.[PROBLEM_JSON]?.schema;
  if (!schema) return '';
  return `<section id="problems"><h2>Problem documents</h2>
<p>Errors are answered as ${inlineCode(PROBLEM_JSON)}:</p>
${fieldTable(schema, document.components.schemas)}
</section>`;
}

const operationLink = ({ method, operation }: Entry) =>
  `<li><a href="#${escapeHtml(anchor(operation.operationId))}">${badge(method)} ${escapeHtml(operation.summary)}</a></li>`;

function contents(document: OpenApiDocument, guide: readonly MarkdownHeading[], groups: Map<string, Entry[]>, problems: boolean) {
  const guideLinks = guide
    .filter((heading) => heading.level === 2)
    .map((heading) => `<li><a href="#${escapeHtml(heading.id)}">${renderInline(heading.text)}</a></li>`)
    .join('');
  const tagLinks = [...groups]
    .map(([tag, entries]) => {
      const title = `<p class="toc-tag"><a href="#tag-${escapeHtml(slug(tag))}">${escapeHtml(tag)}</a></p>`;
      return `${title}<ul>${entries.map(operationLink).join('')}</ul>`;
    })
    .join('\n');
  return `<nav class="toc" aria-label="Contents">
<p class="toc-title"><a href="#top">${escapeHtml(document.info.title)}</a></p>
<ul>${guideLinks}</ul>
${tagLinks}
${problems ? '<p class="toc-tag"><a href="#problems">Problem documents</a></p>' : ''}
<p class="toc-tag"><a href="openapi.json">OpenAPI document</a></p>
</nav>`;
}

/**
 * The HTML reference page of an OpenAPI document: its description rendered from markdown, a
 * table of contents by tag, and for each operation its access, parameters, request and answers
 * with their fields. Links are relative: the page expects to be served at `{prefix}/docs`, beside
 * `docs/docs.css` and `openapi.json`.
 *
 * @example
 * ```ts
 * const html = renderDocsPage(handler.openapi());
 * ```
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const { title, version, description } = document.info;
  const guide = renderMarkdown(description, 'guide-');
  const groups = groupByTag(document);
  const problems = problemSection(document);
  const servers = document.servers
    .map(({ url, description: about }) => `${inlineCode(url)}${about === undefined ? '' : ` ${renderInline(about)}`}`)
    .join(', ');
  const sections = [...groups]
    .map(([tag, entries]) => {
      const operations = entries.map((entry) => operationBlock(entry, document)).join('\n');
      return `<section class="tag" id="tag-${escapeHtml(slug(tag))}"><h2>${escapeHtml(tag)}</h2>\n${operations}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}: API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/docs.css">
</head>
<body>
${contents(document, guide.headings, groups, problems !== '')}
<main id="top">
<header><h1>${escapeHtml(title)}</h1>
<p class="meta">Version ${escapeHtml(version)} · OpenAPI ${escapeHtml(document.openapi)} · \
<a href="openapi.json">openapi.json</a> · Servers: ${servers}</p></header>
<div class="guide">${guide.html}</div>
${sections}
${problems}
</main>
</body>
</html>
`;
}

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway } from '../../src/gateway';
import { fieldRows, typeLabel } from '../../src/http/docs-fields';
import { escapeHtml, renderInline, renderMarkdown } from '../../src/http/docs-markdown';
import { createHttpHandler, type HttpHandler, type HttpHandlerOptions } from '../../src/http/handler';
import type { JsonSchema } from '../../src/http/openapi-types';
import { defineRoute } from '../../src/http/route';
import { silentLogger } from '../../src/logger';

const handlerWith = (options: HttpHandlerOptions = {}) =>
  createHttpHandler(createGateway({ keyRing: generateKeyRing(), logger: silentLogger }), { logger: silentLogger, ...options });

const get = (handler: HttpHandler, path: string) =>
  handler.handle({ method: 'GET', path, query: new URLSearchParams(), headers: {}, rawBody: new Uint8Array() });

async function page(handler: HttpHandler): Promise<string> {
  const response = await get(handler, `${handler.prefix}/docs`);
  expect(response.status).toBe(200);
  return String(response.body);
}

describe('renderInline', () => {
  it.each([
    ['plain <b>text</b> & "quotes"', 'plain &lt;b&gt;text&lt;/b&gt; &amp; &quot;quotes&quot;'],
    ['use `X-Api-Key: <key>`', 'use <code>X-Api-Key: &lt;key&gt;</code>'],
    ['**exactly as sent**', '<strong>exactly as sent</strong>'],
    ['[Standard Webhooks](https://www.standardwebhooks.com)', '<a href="https://www.standardwebhooks.com">Standard Webhooks</a>'],
    ['[guide](#guide-errors)', '<a href="#guide-errors">guide</a>'],
    ['[x](javascript:alert(1))', 'x)'],
    ['[x](data:text/html,hi)', 'x'],
    ['[x](https://a.example/"onmouseover="alert(1))', '<a href="https://a.example/&quot;onmouseover=&quot;alert(1">x</a>)'],
    ['[`code` label](/docs)', '<a href="/docs"><code>code</code> label</a>'],
    ['unclosed `tick and [link](', 'unclosed `tick and [link]('],
  ])('renders %j', (markdown, html) => {
    expect(renderInline(markdown)).toBe(html);
  });
});

describe('renderMarkdown', () => {
  it.each([
    ['## Errors\n\nEvery error.', '<h2 id="errors">Errors</h2>\n<p>Every error.</p>'],
    ['# Top', '<h2 id="top">Top</h2>'],
    ['## Use C# ##', '<h2 id="use-c">Use C#</h2>'],
    ['### Sub <x>', '<h3 id="sub-x">Sub &lt;x&gt;</h3>'],
    ['one\ntwo\n\nthree', '<p>one two</p>\n<p>three</p>'],
    ['- a\n- `b`\n  more\n\n1. c\n2. d', '<ul><li>a</li><li><code>b</code> more</li></ul>\n<ol><li>c</li><li>d</li></ol>'],
    ['text\n- item', '<p>text</p>\n<ul><li>item</li></ul>'],
    ['```sh\necho "<hi>" && `x`\n\n# not a heading\n```', '<pre><code>echo &quot;&lt;hi&gt;&quot; &amp;&amp; `x`\n\n# not a heading</code></pre>'],
    ['```\nnever closed', '<pre><code>never closed</code></pre>'],
    ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
  ])('renders %j', (markdown, html) => {
    expect(renderMarkdown(markdown).html).toBe(html);
  });

  it('lists headings with unique ids', () => {
    expect(renderMarkdown('## A\n## A\n### B', 'guide-').headings).toEqual([
      { id: 'guide-a', level: 2, text: 'A' },
      { id: 'guide-a-2', level: 2, text: 'A' },
      { id: 'guide-b', level: 3, text: 'B' },
    ]);
  });

  it('escapes the characters of HTML', () => {
    expect(escapeHtml(`<a href='x'>&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;');
  });
});

describe('field tables', () => {
  const components: Record<string, JsonSchema> = {
    Tree: {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } },
      required: ['name'],
    },
    Page: {
      type: 'object',
      properties: {
        total: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991, description: 'All `items`.' },
        items: { type: 'array', items: { $ref: '#/components/schemas/Tree' } },
        next: { type: ['string', 'null'] },
        owner: { anyOf: [{ type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } }, { type: 'null' }] },
        kind: { type: 'string', enum: ['a', 'b'], default: 'a' },
      },
      required: ['total', 'items'],
    },
  };

  it('flattens nested objects and arrays, resolving references and stopping at cycles', () => {
    const rows = fieldRows({ $ref: '#/components/schemas/Page' }, components);
    expect(rows.map((row) => `${row.parent}${row.name}: ${row.type}${row.required ? ' (required)' : ''}`)).toEqual([
      'total: integer (required)',
      'items: array of Tree (required)',
      'items[].name: string (required)',
      'items[].children: array of Tree',
      'next: string | null',
      'owner: object | null',
      'owner.id: string',
      'kind: string',
    ]);
    expect(rows[0]?.notes).toEqual(['All `items`.']);
    expect(rows[6]?.notes).toEqual(['Length at least 1, length at most 64.']);
    expect(rows[7]?.notes).toEqual(['One of `"a"`, `"b"`.', 'Default `"a"`.']);
  });

  it('has no rows for a schema that is no object', () => {
    expect(fieldRows({ type: 'string' }, components)).toEqual([]);
    expect(fieldRows({ $ref: '#/components/schemas/Missing' }, components)).toEqual([]);
  });

  it.each([
    [{ type: 'string', format: 'date-time' }, 'string (date-time)'],
    [{ type: 'object', additionalProperties: { type: 'string' } }, 'map of string'],
    [{ const: true }, 'true'],
    [{ const: 'a<b' }, '"a<b"'],
    [{}, 'any'],
    [{ oneOf: [{ $ref: '#/components/schemas/A' }, { type: 'integer' }] }, 'A | integer'],
  ])('labels %j as %s', (schema, label) => {
    expect(typeLabel(schema)).toBe(label);
  });
});

describe('the docs routes', () => {
  it('serve the document as JSON', async () => {
    const handler = handlerWith();
    const response = await get(handler, '/api/gateway/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(String(response.body))).toEqual(handler.openapi());
  });

  it('serve the page with a strict Content-Security-Policy, rendered once', async () => {
    const handler = handlerWith();
    const first = await get(handler, '/api/gateway/docs');
    expect(first.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    });
    expect((await get(handler, '/api/gateway/docs')).body).toBe(first.body);
  });

  it('serve the stylesheet, cacheable for an hour', async () => {
    const response = await get(handlerWith(), '/api/gateway/docs/docs.css');
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
    expect(String(response.body)).toContain('.method-get');
  });

  it('redirect /docs/ to /docs, so relative links resolve', async () => {
    const response = await get(handlerWith(), '/api/gateway/docs/');
    expect(response.status).toBe(308);
    expect(new URL(response.headers.location ?? '', 'http://host/api/gateway/docs/').pathname).toBe('/api/gateway/docs');
  });
});

describe('the docs page', () => {
  it('links its assets relative to itself, whatever the prefix', async () => {
    const html = await page(handlerWith({ prefix: '/tools/portico' }));
    expect(html).toContain('<link rel="stylesheet" href="docs/docs.css">');
    expect(html).toContain('<a href="openapi.json">');
    expect(new URL('docs/docs.css', 'http://host/tools/portico/docs').pathname).toBe('/tools/portico/docs/docs.css');
    expect(html).not.toMatch(/<link[^>]+href="(https?:)?\/\/|\ssrc=/);
    expect(html).not.toMatch(/<script|style=/i);
  });

  it('shows every operation with its method, path, summary, access and answers', async () => {
    const handler = handlerWith();
    const html = await page(handler);
    for (const route of handler.routes) {
      expect(html).toContain(`id="op-${route.operationId}"`);
      expect(html).toContain(`<code>${route.operationId}</code>`);
      expect(html).toContain(escapeHtml(route.summary));
      expect(html).toContain(`<code class="path">/api/gateway${route.path}</code>`);
    }
    expect(html).toContain('<span class="method method-post">POST</span> <code class="path">/api/gateway/integrations</code>');
    expect(html).toContain('Needs the <code>integrations:write</code> permission.');
    expect(html).toContain('<code><span class="parent">integrations[].</span>int_id</code>');
    expect(html).toContain('<h2 id="guide-signing-webhooks">Signing webhooks</h2>');
    expect(html).toContain('<section id="problems">');
  });

  it('escapes hostile text from the route table', async () => {
    const hostile = '<script>alert(1)</script>';
    const html = await page(
      handlerWith({
        openapi: { title: `Gateway ${hostile}`, description: `Intro ${hostile} [click](javascript:alert(1))` },
        routes: [
          defineRoute({
            method: 'POST',
            path: '/evil/{id}',
            operationId: 'evil"><img src=x onerror=alert(1)>',
            summary: hostile,
            description: `<img src=x onerror=alert(1)> and [x](javascript:alert(1))`,
            tags: [`<b>${hostile}</b>`],
            access: `perm${hostile}`,
            params: z.object({ id: z.string().describe(hostile) }),
            body: z.object({ [`"><svg onload=alert(1)>`]: z.string().describe(hostile) }),
            responses: { 200: { description: hostile, schema: z.object({ ok: z.literal(hostile) }) } },
            errors: [403],
            handle: async () => ({ status: 200 }),
          }),
        ],
      }),
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<(script|img|svg|b)\b/i);
    expect(html).not.toContain('javascript:');
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
  });
});

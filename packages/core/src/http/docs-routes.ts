import { z } from 'zod';
import { docsCss } from './docs-css';
import { renderDocsPage } from './docs-page';
import type { OpenApiDocument } from './openapi-types';
import { defineRoute, type Route, type RouteResult } from './route';

/* No script, no inline style, nothing from elsewhere: the page needs only its own stylesheet. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const tags = ['Documentation'];

/**
 * The documentation routes, all public: `GET /openapi.json` (the document), `GET /docs` (an
 * HTML reference rendered on the server from the document, under a strict
 * Content-Security-Policy) and `GET /docs/docs.css` (its stylesheet). The page is rendered once,
 * on first request, and kept: call this once per handler.
 *
 * @example
 * ```ts
 * let document: OpenApiDocument | undefined;
 * const routes = docsRoutes(() => (document ??= buildOpenApiDocument(gatewayRoutes, { prefix: '/api/gateway' })));
 * ```
 */
export function docsRoutes(document: () => OpenApiDocument): Route[] {
  let page: string | undefined;
  return [
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This API as an OpenAPI 3.1 document',
      tags,
      access: 'public',
      responses: { 200: { description: 'The document.', schema: z.record(z.string(), z.unknown()) } },
      errors: [],
      handle: async () => ({ status: 200, body: document() }),
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      operationId: 'getDocsPage',
      summary: 'This API as an HTML reference',
      description: 'Rendered on the server from the OpenAPI document; no script, and nothing loaded from elsewhere.',
      tags,
      access: 'public',
      responses: { 200: { description: 'The page.', schema: z.string(), contentType: 'text/html' } },
      errors: [],
      async handle({ request }): Promise<RouteResult> {
        // The page links its assets relative to `…/docs`; from `…/docs/` they would miss.
        if (request.path.endsWith('/')) {
          return { status: 308, headers: { location: '../docs', 'content-type': 'text/plain; charset=utf-8' }, body: '' };
        }
        page ??= renderDocsPage(document());
        return {
          status: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': PAGE_POLICY,
            'cache-control': 'no-cache',
            'referrer-policy': 'no-referrer',
          },
          body: page,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/docs/docs.css',
      operationId: 'getDocsStylesheet',
      summary: 'The stylesheet of the HTML reference',
      tags,
      access: 'public',
      responses: { 200: { description: 'The stylesheet.', schema: z.string(), contentType: 'text/css' } },
      errors: [],
      handle: async () => ({
        status: 200,
        headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' },
        body: docsCss,
      }),
    }),
  ];
}

import { z } from 'zod';
import { docsCss } from './docs-css';
import { renderDocsPage } from './docs-page';
import type { OpenApiDocument } from './openapi-types';
import { defineRoute, type Route, type RouteResult } from './route';

/** Documents and pages kept, one per mount path: a mount with a parameter has as many as callers care to send. */
export const MOUNT_PATHS_KEPT = 8;

/* No script, no inline style, nothing from elsewhere: the page needs only its own stylesheet. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const tags = ['Documentation'];

/**
 * The documentation routes, all public: `GET /openapi.json` (the document), `GET /docs` (an
 * HTML reference rendered on the server from the document, under a strict
 * Content-Security-Policy) and `GET /docs/docs.css` (its stylesheet). `document` gets the mount
 * path the adapter reported, so both name the server the caller reached. The page is rendered
 * once per mount path, on first request, and kept: call this once per handler.
 *
 * @example
 * ```ts
 * let document: OpenApiDocument | undefined;
 * const routes = docsRoutes(() => (document ??= buildOpenApiDocument(gatewayRoutes, { prefix: '/api/gateway' })));
 * // or, per mount path:
 * const perMount = docsRoutes((mountPath) => buildOpenApiDocument(gatewayRoutes, { prefix: '/api/gateway', servers: [{ url: mountPath || '/' }] }));
 * ```
 */
export function docsRoutes(document: (mountPath: string) => OpenApiDocument): Route[] {
  const pages = new Map<string, string>();
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
      handle: async ({ request }) => ({ status: 200, body: document(request.mountPath ?? '') }),
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
        const mountPath = request.mountPath ?? '';
        let page = pages.get(mountPath);
        if (page === undefined) {
          page = renderDocsPage(document(mountPath));
          if (pages.size < MOUNT_PATHS_KEPT) pages.set(mountPath, page);
        }
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

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway } from '../../src/gateway';
import { createHttpHandler, type HttpHandler } from '../../src/http/handler';
import { defineRoute } from '../../src/http/route';
import { silentLogger } from '../../src/logger';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = process.env.CI !== undefined && process.env.CI !== '';
if (!available && !required) {
  console.warn(`\n*** SKIPPED: the docs page browser test needs ${CHROMIUM} (apt-get install -y chromium). ***\n`);
}

const HOSTILE = '<script>alert(1)</script>';

/* Runs in the page; the test project has no DOM types. */
declare const getComputedStyle: (element: unknown) => { backgroundColor: string; display: string };

/** The smallest adapter: node:http to `handler.handle` and back. */
function serve(handler: HttpHandler): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      void handler
        .handle({
          method: request.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          rawBody: Buffer.concat(chunks),
        })
        .then((answer) => {
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!available && !required)(`the docs page in headless Chromium (${CHROMIUM})`, () => {
  const handler = createHttpHandler(createGateway({ keyRing: generateKeyRing(), logger: silentLogger }), {
    prefix: '/tools/gateway',
    logger: silentLogger,
    routes: [
      defineRoute({
        method: 'GET',
        path: '/hostile',
        operationId: 'hostileRoute',
        summary: HOSTILE,
        tags: ['Hostile'],
        access: 'public',
        responses: { 200: { description: HOSTILE } },
        errors: [],
        handle: async () => ({ status: 200 }),
      }),
    ],
  });
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required when CI is set`).toBe(true);
    server = await serve(handler);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('shows every operation, styled by its own stylesheet, with no outside request, script or error', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    const response = await page.goto(`${origin}/tools/gateway/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Portico integration gateway: API reference');

    for (const route of handler.routes) {
      const section = page.locator(`#op-${route.operationId}`);
      expect(await section.isVisible(), route.operationId).toBe(true);
      const text = await section.innerText();
      expect(text).toContain(route.operationId);
      expect(text).toContain(route.summary);
    }
    expect(await page.locator('script').count()).toBe(0);

    const badge = page.locator('.method-post').first();
    const styles = await badge.evaluate((element) => {
      const style = getComputedStyle(element);
      return { background: style.backgroundColor, display: style.display };
    });
    expect(styles.display).toBe('inline-block');
    expect(styles.background).not.toBe('rgba(0, 0, 0, 0)');

    expect(requests).toEqual([`${origin}/tools/gateway/docs`, `${origin}/tools/gateway/docs/docs.css`]);
    expect(requests.every((url) => new URL(url).hostname === '127.0.0.1')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

import { fileURLToPath } from 'node:url';

/**
 * Tests import the workspace packages from source, so `npm test` needs no build first.
 * The packed-tarball test covers the built output.
 */
export const sourceAliases: Record<string, string> = {
  '@portico/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
  '@portico/testing': fileURLToPath(new URL('./packages/testing/src/index.ts', import.meta.url)),
  '@portico/express': fileURLToPath(new URL('./packages/express/src/index.ts', import.meta.url)),
  '@portico/koa': fileURLToPath(new URL('./packages/koa/src/index.ts', import.meta.url)),
  '@portico/sqlite': fileURLToPath(new URL('./packages/sqlite/src/index.ts', import.meta.url)),
  '@portico/postgres': fileURLToPath(new URL('./packages/postgres/src/index.ts', import.meta.url)),
  '@portico/redis': fileURLToPath(new URL('./packages/redis/src/index.ts', import.meta.url)),
  '@portico/atlassian': fileURLToPath(new URL('./packages/atlassian/src/index.ts', import.meta.url)),
};

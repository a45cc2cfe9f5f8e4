import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment the getting-started snippets read, set before a test imports them: a fresh
 * SQLite file in a temp folder, a master key, the admin and PM tokens, and port 0 on loopback.
 *
 * @example
 * ```ts
 * const environment = snippetEnvironment('koa', 9);
 * const { server } = await import('../snippets/getting-started-koa.ts');
 * afterAll(() => environment.remove());
 * ```
 */
export function snippetEnvironment(name: string, keyByte: number) {
  const dir = mkdtempSync(join(tmpdir(), `portico-docs-${name}-`));
  const masterKey = Buffer.alloc(32, keyByte).toString('base64');
  Object.assign(process.env, {
    PORTICO_DB: join(dir, 'portico.db'),
    PORTICO_MASTER_KEY: masterKey,
    PORTICO_ADMIN_TOKEN: 'docs-admin-token',
    PORTICO_PM_TOKEN: 'docs-pm-token',
    PORT: '0',
    HOST: '127.0.0.1',
  });
  return {
    dir,
    masterKey,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

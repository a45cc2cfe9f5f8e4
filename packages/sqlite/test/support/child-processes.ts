import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The native driver stays outside the bundle (its binary is found next to its own files) and is
 * imported by absolute URL, so the bundle runs from any directory.
 */
const betterSqliteByUrl: Plugin = {
  name: 'better-sqlite3-by-url',
  setup(plugin) {
    plugin.onResolve({ filter: /^better-sqlite3$/ }, () => ({
      path: pathToFileURL(require.resolve('better-sqlite3')).href,
      external: true,
    }));
  },
};

/** A bundle of `sqliteStorage` for child processes, and how to delete it. */
export interface Bundle {
  path: string;
  remove(): void;
}

/**
 * Bundles `src/index.ts` (and `@portico/core` from source) into one ES module in a fresh temp
 * directory, for child processes: plain Node cannot load TypeScript.
 *
 * @example
 * ```ts
 * const bundle = await bundleSqliteStorage();
 * await runChild('migrate-child.mjs', bundle, filename, startAtMs);
 * bundle.remove();
 * ```
 */
export async function bundleSqliteStorage(): Promise<Bundle> {
  const directory = mkdtempSync(join(tmpdir(), 'portico-sqlite-bundle-'));
  const outfile = join(directory, 'sqlite-storage.mjs');
  await build({
    entryPoints: [here('../../src/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: { '@portico/core': here('../../../core/src/index.ts') },
    plugins: [betterSqliteByUrl],
    logLevel: 'silent',
  });
  return { path: outfile, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/**
 * Runs `test/fixtures/<script>` in a new Node process with the bundle and `args`, and returns
 * its standard output; rejects when it exits with an error.
 *
 * @example
 * ```ts
 * const claimedIds = JSON.parse(await runChild('claim-child.mjs', bundle, filename, 'dispatcher-a', startAtMs));
 * ```
 */
export async function runChild(script: string, bundle: Bundle, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [here(`../fixtures/${script}`), bundle.path, ...args]);
  return stdout;
}

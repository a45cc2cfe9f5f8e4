import type { Options } from 'tsup';

/**
 * The build every package shares: ESM and CJS with declarations, for Node 20.
 *
 * No sourcemaps: the tarballs do not ship `src/`, so a map would point at sources nobody has, and
 * maps were most of each tarball (~1 MB of core's). The output is not minified, so stack traces
 * stay readable. For a local profile against source lines, build with `npx tsup --sourcemap`.
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: false,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  };
}

import type { Options } from 'tsup';

/** The build every package shares: ESM and CJS with declarations, for Node 20. */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  };
}

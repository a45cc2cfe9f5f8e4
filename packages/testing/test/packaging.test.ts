import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Packs every published package as `npm publish` would, installs the tarballs into a scratch
// project (dependencies linked from this workspace: no network), and loads them with `import`,
// `require` and the TypeScript compiler under Node's own resolution. Each tarball must also carry
// what npm users read (README.md, the root LICENSE, repository metadata) and no sourcemap, whose
// sources are not shipped; its size is an annotation of its test (`--reporter=verbose` shows it).
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const packagesDir = join(root, 'packages');
const scratch = mkdtempSync(join(tmpdir(), 'portico-pack-'));
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface Manifest {
  name: string;
  exports: Record<string, unknown>;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}
/** Largest tarball accepted: well above the largest today (core, ~200 kB), far below one with sourcemaps or stray files. */
const MAX_PACKED_BYTES = 512 * 1024;
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');
const found = readdirSync(packagesDir)
  .map((dir) => ({ dir: join(packagesDir, dir), manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => !manifest.private);
// Dependencies first: a package's declaration build reads the declarations of those it imports.
const manifests: typeof found = [];
const place = (entry: (typeof found)[number]) => {
  if (manifests.includes(entry)) return;
  for (const dep of Object.keys(entry.manifest.dependencies ?? {})) {
    const inner = found.find(({ manifest }) => manifest.name === dep);
    if (inner) place(inner);
  }
  manifests.push(entry);
};
found.forEach(place);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('published packages', { timeout: 120_000 }, () => {
  const modules = join(scratch, 'node_modules');
  mkdirSync(modules, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));

  it.for(manifests.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))('%s packs and loads', async ([name, dir, manifest], { annotate }) => {
    run('npx', ['tsup', '--silent'], dir);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], dir)) as [Packed];
    const files = packed[0].files.map((file) => file.path);
    const size = `${name}: ${kB(packed[0].size)} packed, ${kB(packed[0].unpackedSize)} unpacked, ${files.length} files`;
    await annotate(size);
    expect(packed[0].size, size).toBeLessThan(MAX_PACKED_BYTES);
    expect(files, size).toEqual(expect.arrayContaining(['README.md', 'LICENSE']));
    expect(files.filter((file) => file.endsWith('.map')), `${size}: no sourcemap without its source`).toEqual([]);
    // ESM-only packages (those built on ESM-only Vitest) have no `require` condition.
    const dual = JSON.stringify(manifest.exports['.']).includes('"require"');
    const built = ['dist/index.js', 'dist/index.d.ts', ...(dual ? ['dist/index.cjs', 'dist/index.d.cts'] : [])];
    expect(files).toEqual(expect.arrayContaining(['package.json', ...built]));
    expect(files.some((file) => file.startsWith('src/') || file.startsWith('test/'))).toBe(false);

    const target = join(modules, name);
    mkdirSync(target, { recursive: true });
    run('tar', ['-xzf', join(scratch, packed[0].filename), '-C', target, '--strip-components=1'], scratch);
    expect(readFileSync(join(target, 'LICENSE'), 'utf8'), 'the LICENSE is the root one').toBe(rootLicense);
    expect(readFileSync(join(target, 'README.md'), 'utf8')).toMatch(new RegExp(`^# ${name}\n`));
    for (const file of files.filter((path) => path.startsWith('dist/'))) {
      expect(readFileSync(join(target, file), 'utf8'), file).not.toMatch(/sourceMappingURL=/);
    }
    const published = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(published).toMatchObject({
      description: expect.stringMatching(/\S/),
      license: 'MIT',
      repository: { type: 'git', url: 'git+https://github.com/portico-gateway/portico.git', directory: `packages/${basename(dir)}` },
      homepage: expect.stringMatching(/^https:\/\//),
      bugs: { url: expect.stringMatching(/^https:\/\//) },
      keywords: expect.arrayContaining(['portico']),
      files: expect.arrayContaining(['dist', 'README.md', 'LICENSE']),
    });
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const link = join(modules, dep);
      if (dep.startsWith('@portico/')) continue;
      mkdirSync(dirname(link), { recursive: true });
      try {
        symlinkSync(join(root, 'node_modules', dep), link, 'dir');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }

    const esm = run('node', ['--input-type=module', '-e', `const m = await import('${name}'); console.log(Object.keys(m).length)`], scratch);
    expect(Number(esm)).toBeGreaterThan(0);
    writeFileSync(join(scratch, 'esm.mts'), `import * as m from '${name}';\nexport const keys: string[] = Object.keys(m);\n`);
    const sources = ['esm.mts'];
    if (dual) {
      const cjs = run('node', ['-e', `console.log(Object.keys(require('${name}')).length)`], scratch);
      expect(Number(cjs)).toBe(Number(esm));
      writeFileSync(join(scratch, 'cjs.cts'), `import m = require('${name}');\nexport const keys: string[] = Object.keys(m);\n`);
      sources.push('cjs.cts');
    }
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    run('node', [tsc, ...flags, '--types', 'node', '--typeRoots', join(root, 'node_modules/@types'), ...sources], scratch);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideFiles, packageReadmes, root, syncGuide } from '../../../scripts/snippets.mjs';

describe('the guides', () => {
  for (const file of guideFiles()) {
    it(`${relative(root, file)}: every program block is its tested source`, () => {
      const { problems } = syncGuide(file);
      expect(problems).toEqual([]);
    });
  }
});

// What npm shows on each package's page: read outside the repository, so its links are absolute
// ones into the repository the package.json names, and its example is a typechecked snippet.
describe('the package READMEs', () => {
  interface Manifest {
    name: string;
    private?: boolean;
    repository?: { url?: string };
    peerDependencies?: Record<string, string>;
  }
  const publishable = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    return manifest.private ? undefined : manifest;
  };

  it('every published package has one, and the guides include it', () => {
    const packagesDir = join(root, 'packages');
    const published = readdirSync(packagesDir)
      .map((entry) => join(packagesDir, entry))
      .filter((dir) => existsSync(join(dir, 'package.json')) && publishable(dir) !== undefined);
    expect(published.length).toBeGreaterThan(0);
    const readmes = published.map((dir) => join(dir, 'README.md'));
    expect(readmes.filter((file) => !existsSync(file)).map((file) => relative(root, file))).toEqual([]);
    expect(guideFiles()).toEqual(expect.arrayContaining(readmes));
  });

  for (const file of packageReadmes()) {
    const dir = dirname(file);
    const name = relative(root, file);
    const manifest = publishable(dir);
    const text = readFileSync(file, 'utf8');

    it(`${name}: shows an example compiled from examples/docs/snippets/package-readme-*.ts`, () => {
      expect(text).toMatch(/^# /);
      expect(text.startsWith(`# ${manifest?.name}\n`), 'the title is the package name').toBe(true);
      expect(text).toMatch(/<!-- snippet: examples\/docs\/snippets\/package-readme-[\w-]+\.ts(#[\w-]+)? -->\n```ts\n/);
    });

    it(`${name}: installs the package with its peers`, () => {
      const installs = text.split('\n').filter((line) => line.startsWith('npm install '));
      expect(installs.length, 'an npm install line').toBeGreaterThan(0);
      const words = new Set(installs.join(' ').split(/\s+/));
      for (const required of [manifest?.name ?? '', ...Object.keys(manifest?.peerDependencies ?? {})]) {
        expect(words.has(required), `npm install names ${required}`).toBe(true);
      }
    });

    it(`${name}: links into the repository point at files that exist`, () => {
      const repository = manifest?.repository?.url?.replace(/^git\+/, '').replace(/\.git$/, '');
      expect(repository, 'package.json names the repository').toMatch(/^https:\/\/github\.com\//);
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
      const intoRepository = links.filter((link) => link.startsWith(`${repository}/`));
      expect(intoRepository.length, 'links to the guides').toBeGreaterThan(0);
      const missing = intoRepository.filter((link) => {
        const path = /^\/(?:blob|tree)\/main\/([^#]+)/.exec(link.slice(repository?.length))?.[1];
        return path === undefined || !existsSync(join(root, path));
      });
      // Relative links resolve against the package folder (npm rewrites them into the repository).
      const relativeMissing = links
        .filter((link) => !/^[a-z]+:/.test(link) && !link.startsWith('#'))
        .filter((link) => !existsSync(join(dir, link.split('#')[0] ?? '')));
      expect([...missing, ...relativeMissing]).toEqual([]);
    });
  }
});

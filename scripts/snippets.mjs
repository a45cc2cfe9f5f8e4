#!/usr/bin/env node
// @ts-check
/**
 * Keeps the code blocks of the guides equal to the files that tests compile and run.
 *
 * A block is bound to a source by the comment on the line before its fence:
 *
 *     <!-- snippet: examples/docs/snippets/getting-started-express.ts#app -->
 *     ```ts
 *     ...
 *     ```
 *
 * `#app` picks the lines between `#region app` and `#endregion app` (after `//` or `#`); without
 * it the whole file is shown. Marker lines of other regions are dropped and the text is dedented.
 *
 * The guides are the README, the Markdown files of `docs/` and the README of each package.
 *
 * `node scripts/snippets.mjs` lists every block that differs from its source, every marker whose
 * source or region is missing, and every program block with no marker (exit code 1 if any);
 * `--write` rewrites the blocks from their sources. Blocks in `console` (commands for the reader's
 * shell), `json`, `http` and `text` are output or commands, and need no source.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = /^<!--\s*snippet:\s*([^#\s]+)(?:#([\w-]+))?\s*-->$/;
const FENCE = /^(`{3,})([\w-]*)\s*$/;
const FREE_LANGUAGES = new Set(['console', 'json', 'http', 'text']);
const REGION = /^\s*(?:\/\/|#)\s*#(end)?region\b\s*([\w-]*)/;

/** The guides: every Markdown file in `docs/`, the README, and the README of each package. */
export function guideFiles() {
  const docs = join(root, 'docs');
  return [
    join(root, 'README.md'),
    ...readdirSync(docs)
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => join(docs, name)),
    ...packageReadmes(),
  ];
}

/** `packages/<name>/README.md` of every package that has one: the page npm shows for it. */
export function packageReadmes() {
  const packages = join(root, 'packages');
  return readdirSync(packages)
    .sort()
    .map((name) => join(packages, name, 'README.md'))
    .filter((file) => existsSync(file));
}

/**
 * The text a marker stands for, or an error message.
 * @param {string} path from the repository root
 * @param {string | undefined} region
 * @returns {{ text: string } | { error: string }}
 */
export function snippetText(path, region) {
  const file = join(root, path);
  if (!existsSync(file)) return { error: `source ${path} does not exist` };
  const lines = readFileSync(file, 'utf8').split('\n');
  /** @type {string[]} */
  let picked;
  if (region === undefined) {
    picked = lines;
  } else {
    const start = lines.findIndex((line) => {
      const m = REGION.exec(line);
      return m !== null && m[1] === undefined && m[2] === region;
    });
    if (start === -1) return { error: `region ${region} is not in ${path}` };
    const end = lines.findIndex((line, i) => {
      const m = REGION.exec(line);
      return i > start && m !== null && m[1] === 'end' && (m[2] === region || m[2] === '');
    });
    if (end === -1) return { error: `region ${region} in ${path} has no #endregion` };
    picked = lines.slice(start + 1, end);
  }
  picked = picked.filter((line) => !REGION.test(line));
  while (picked.length > 0 && picked[0]?.trim() === '') picked.shift();
  while (picked.length > 0 && picked.at(-1)?.trim() === '') picked.pop();
  const indent = Math.min(
    ...picked.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length),
  );
  return { text: picked.map((line) => line.slice(Number.isFinite(indent) ? indent : 0)).join('\n') };
}

/**
 * Checks (and with `write`, fixes) one Markdown file.
 * @param {string} file absolute path
 * @param {{ write?: boolean }} [options]
 * @returns {{ problems: string[] }}
 */
export function syncGuide(file, { write = false } = {}) {
  const name = relative(root, file);
  const lines = readFileSync(file, 'utf8').split('\n');
  /** @type {string[]} */
  const out = [];
  /** @type {string[]} */
  const problems = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence === null) {
      out.push(line);
      continue;
    }
    const ticks = fence[1] ?? '```';
    const close = lines.findIndex((other, j) => j > i && other.trimEnd() === ticks);
    if (close === -1) {
      problems.push(`${name}:${i + 1}: code block is not closed`);
      out.push(...lines.slice(i));
      break;
    }
    const language = fence[2] ?? '';
    const body = lines.slice(i + 1, close).join('\n');
    const marker = MARKER.exec((lines[i - 1] ?? '').trim());
    const source = marker?.[1];
    let text = body;
    if (marker === null || source === undefined) {
      if (!FREE_LANGUAGES.has(language)) {
        problems.push(
          `${name}:${i + 1}: a \`${language || 'plain'}\` block needs a <!-- snippet: path#region --> source (or is it console/json/http/text?)`,
        );
      }
    } else {
      const found = snippetText(source, marker[2]);
      if ('error' in found) {
        problems.push(`${name}:${i}: ${found.error}`);
      } else if (found.text !== body) {
        if (write) text = found.text;
        else problems.push(`${name}:${i + 1}: block differs from ${source}${marker[2] ? `#${marker[2]}` : ''} (run npm run docs:snippets)`);
      }
    }
    out.push(line, ...(text === '' ? [] : text.split('\n')), ticks);
    i = close;
  }
  if (write) writeFileSync(file, out.join('\n'));
  return { problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes('--write');
  let failed = 0;
  for (const file of guideFiles()) {
    const { problems } = syncGuide(file, { write });
    for (const problem of problems) console.error(problem);
    failed += write ? problems.filter((p) => !p.includes('differs')).length : problems.length;
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

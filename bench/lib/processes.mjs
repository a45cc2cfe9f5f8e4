// @ts-check
// Child processes of the bench: servers under test, load generators and in-process benchmarks.
// Every child is tracked and killed when the bench ends, however it ends.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Set<string>} */
const tempFiles = new Set();

/** Kills every child still running and removes temporary files. */
export function killAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
  for (const file of tempFiles) rmSync(file, { force: true });
  tempFiles.clear();
}
process.on('exit', killAll);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Writes `value` as JSON to a temporary file, removed by {@link killAll}. @param {unknown} value */
export function configFile(value) {
  const file = join(tmpdir(), `portico-bench-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(value));
  tempFiles.add(file);
  return file;
}

/**
 * @param {string} script relative to the bench folder
 * @param {string[]} args
 * @param {string[]} [nodeFlags] e.g. `--cpu-prof`
 */
function start(script, args, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, join(benchDir, script), ...args], {
    cwd: benchDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** @param {string} text */
function lastJsonLine(text) {
  const line = text.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line);
}

/**
 * Runs a script to its end and returns the JSON of the last line it printed.
 * @param {string} script
 * @param {string[]} args
 * @param {{ nodeFlags?: string[], timeoutMs: number }} options
 * @returns {Promise<any>}
 */
export function runJson(script, args, { nodeFlags = [], timeoutMs }) {
  const child = start(script, args, nodeFlags);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(lastJsonLine(output));
      } catch (error) {
        reject(new Error(`${script} printed no JSON result`, { cause: error }));
      }
    });
  });
}

/**
 * Starts a server (under test, or the receiver) and waits for its first line, `{ port, keys, setupMs }`.
 * @param {object} config the server's {@link import('../server.mjs')} config
 * @param {{ nodeFlags?: string[], timeoutMs: number, script?: string }} options `script` is `server.mjs` unless given
 * @returns {Promise<{ origin: string, keys: string[], setupMs: number, stop: () => Promise<void> }>}
 */
export function startServer(config, { nodeFlags = [], timeoutMs, script = 'server.mjs' }) {
  const child = start(script, [configFile(config)], nodeFlags);
  const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${JSON.stringify(config)} did not start`)), timeoutMs);
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const { port, keys, setupMs } = JSON.parse(line);
      const stop = () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done(undefined);
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(killer);
            done(undefined);
          });
          child.kill('SIGTERM');
        });
      resolve({ origin: `http://127.0.0.1:${port}`, keys, setupMs, stop });
    });
  });
}

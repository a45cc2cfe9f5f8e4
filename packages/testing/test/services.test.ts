import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, testServiceUrl } from '../src/services';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureConfig = fileURLToPath(new URL('./fixtures/services/vitest.config.ts', import.meta.url));
const PASSWORD = 'not-a-real-password';
const FIXTURE_URLS = {
  PORTICO_TEST_PG_URL: `postgres://fixture:${PASSWORD}@127.0.0.1:1/test`,
  PORTICO_TEST_REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:1`,
};

interface FixtureRun {
  exitCode: number;
  output: string;
  /** Test title → status, from Vitest's JSON report. */
  results: Record<string, string>;
  failures: string;
}

/** Runs the fixture file in a child Vitest with or without `CI=true`; the child's own tests are the subject. */
async function runFixture(ci: boolean): Promise<FixtureRun> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-services-'));
  const report = join(dir, 'report.json');
  // The child is a Vitest of its own: none of this worker's Vitest variables, and CI as asked.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'CI'));
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', fixtureConfig, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
        { cwd: root, env: { ...env, ...(ci ? { CI: 'true' } : {}), ...FIXTURE_URLS }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ exitCode: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
    };
    const assertions = json.testResults.flatMap((file) => file.assertionResults);
    return {
      exitCode,
      output,
      results: Object.fromEntries(assertions.map((assertion) => [assertion.fullName, assertion.status])),
      failures: assertions.flatMap((assertion) => assertion.failureMessages).join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('testServiceUrl', () => {
  const saved = { pg: process.env.PORTICO_TEST_PG_URL, redis: process.env.PORTICO_TEST_REDIS_URL };
  afterAll(() => {
    for (const [name, value] of [
      ['PORTICO_TEST_PG_URL', saved.pg],
      ['PORTICO_TEST_REDIS_URL', saved.redis],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('reads PORTICO_TEST_PG_URL / PORTICO_TEST_REDIS_URL at each call, else the local defaults', () => {
    delete process.env.PORTICO_TEST_PG_URL;
    process.env.PORTICO_TEST_REDIS_URL = '';
    expect(testServiceUrl('postgres')).toBe('postgres://root@127.0.0.1:5432/test');
    expect(testServiceUrl('redis')).toBe('redis://127.0.0.1:6379');

    process.env.PORTICO_TEST_PG_URL = 'postgres://ci@127.0.0.1:5433/portico';
    process.env.PORTICO_TEST_REDIS_URL = 'redis://127.0.0.1:6380';
    expect(testServiceUrl('postgres')).toBe('postgres://ci@127.0.0.1:5433/portico');
    expect(testServiceUrl('redis')).toBe('redis://127.0.0.1:6380');
  });
});

const probed: string[] = [];
await describeWithServices(
  'describeWithServices, every service answering',
  {
    postgres: async (url) => void probed.push(url),
    redis: async (url) => void probed.push(url),
  },
  () => {
    it('runs the block, after probing each service at its URL', () => {
      expect(probed.sort()).toEqual([testServiceUrl('postgres'), testServiceUrl('redis')].sort());
    });
  },
);

await describeWithServices('describeWithServices, no service needed', {}, () => {
  it('runs the block', () => {
    expect(probed).toHaveLength(2);
  });
});

describe('describeWithServices, a service not answering', () => {
  let local: FixtureRun;
  let ci: FixtureRun;
  // Two child runs of Vitest in parallel, each waiting out the silent probe's 5 s deadline.
  beforeAll(async () => {
    [local, ci] = await Promise.all([runFixture(false), runFixture(true)]);
  }, 60_000);
  const blocked = 'needs a refusing PostgreSQL and a silent Redis';
  const notReady = 'needs a Redis that is not ready';

  it('skips the block LOUDLY outside CI, and the run passes', async () => {
    const run = local;

    expect(run.exitCode).toBe(0);
    expect(run.results).toEqual({
      [`${blocked} (SKIPPED: no PostgreSQL answered at postgres://fixture:***@127.0.0.1:1/test (password authentication failed for postgres://fixture:***@127.0.0.1:1/test); set PORTICO_TEST_PG_URL=postgres://user:password@host:5432/database; no Redis answered at redis://:***@127.0.0.1:1 (no answer within 5 s); set PORTICO_TEST_REDIS_URL=redis://:password@host:6379) never runs`]:
        'skipped',
      [`${notReady} (SKIPPED: no Redis answered at redis://:***@127.0.0.1:1 (the probe found it not ready); set PORTICO_TEST_REDIS_URL=redis://:password@host:6379) never runs`]:
        'skipped',
      'needs an answering Redis runs': 'passed',
    });
    expect(run.output).toContain(`!!! SKIPPED ${blocked}:`);
    expect(run.output).toContain(`!!! SKIPPED ${notReady}:`);
    expect(run.output).not.toContain(PASSWORD);
  });

  it('fails the block with CI=true: a CI run never passes by testing nothing', async () => {
    const run = ci;

    expect(run.exitCode).toBe(1);
    expect(run.results).toEqual({
      [`${blocked} reaches PostgreSQL and Redis (required when CI=true)`]: 'failed',
      [`${notReady} reaches Redis (required when CI=true)`]: 'failed',
      'needs an answering Redis runs': 'passed',
    });
    expect(run.failures).toContain(`${blocked}: no PostgreSQL answered at postgres://fixture:***@127.0.0.1:1/test`);
    expect(run.failures).toContain('no Redis answered at redis://:***@127.0.0.1:1 (no answer within 5 s)');
    expect(`${run.output}\n${run.failures}`).not.toContain(PASSWORD);
    expect(run.output).not.toContain('SKIPPED');
  });
});

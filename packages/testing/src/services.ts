import { describe, it } from 'vitest';

/**
 * The servers a test may need. Each is found at the URL of an environment variable, else at a
 * local default:
 *
 * | service | variable | default |
 * | --- | --- | --- |
 * | `postgres` | `PORTICO_TEST_PG_URL` | `postgres://root@127.0.0.1:5432/test` |
 * | `redis` | `PORTICO_TEST_REDIS_URL` | `redis://127.0.0.1:6379` |
 */
export type TestService = 'postgres' | 'redis';

/**
 * Checks that a service answers at `url`, with the caller's own client (this package depends on
 * no database driver): resolves when it answers; rejects, or resolves `false`, when it does not.
 * The rejection's message is shown, its password hidden. It should give up within a couple of
 * seconds; after 5 s it counts as not answering.
 */
export type ServiceProbe = (url: string) => Promise<boolean | void>;

/** The probes a `describe` block needs, by service; {@link describeWithServices} runs them all. */
export type ServiceProbes = Partial<Record<TestService, ServiceProbe>>;

const known: Record<TestService, { label: string; variable: string; fallback: string; shape: string }> = {
  postgres: {
    label: 'PostgreSQL',
    variable: 'PORTICO_TEST_PG_URL',
    fallback: 'postgres://root@127.0.0.1:5432/test',
    shape: 'postgres://user:password@host:5432/database',
  },
  redis: {
    label: 'Redis',
    variable: 'PORTICO_TEST_REDIS_URL',
    fallback: 'redis://127.0.0.1:6379',
    shape: 'redis://:password@host:6379',
  },
};

/** Longest wait for a probe: one that hangs must not hang the collection of the test file. */
const PROBE_DEADLINE_MS = 5_000;

/**
 * The URL of a test service: `PORTICO_TEST_PG_URL` / `PORTICO_TEST_REDIS_URL` when set (and not
 * empty), else the local default (`postgres://root@127.0.0.1:5432/test`, `redis://127.0.0.1:6379`).
 * Read at each call.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: testServiceUrl('postgres') });
 * const client = new Redis(testServiceUrl('redis'));
 * ```
 */
export function testServiceUrl(service: TestService): string {
  const { variable, fallback } = known[service];
  const value = process.env[variable]?.trim();
  return value ? value : fallback;
}

/** `url` with its password replaced by `***`, fit for a message. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** `text` with the password of `url` (as written and decoded) replaced by `***`. */
function withoutPassword(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text.replaceAll(url, redactUrl(url));
  }
  if (password === '') return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A password that is not valid percent-encoding is hidden as written.
  }
  return text.replaceAll(password, '***').replaceAll(decoded, '***');
}

/** Why the service does not answer, or null when it does. */
async function missing(service: TestService, probe: ServiceProbe): Promise<string | null> {
  const { label, variable, shape } = known[service];
  const url = testServiceUrl(service);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_DEADLINE_MS / 1000} s`)), PROBE_DEADLINE_MS);
  });
  let reason: string;
  try {
    const answer = await Promise.race([Promise.resolve().then(() => probe(url)), deadline]);
    if (answer !== false) return null;
    reason = 'the probe found it not ready';
  } catch (error) {
    reason = error instanceof Error && error.message !== '' ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
  return `no ${label} answered at ${redactUrl(url)} (${withoutPassword(reason, url)}); set ${variable}=${shape}`;
}

/**
 * A `describe` block that needs PostgreSQL and/or Redis. It first runs the probes, together;
 * when every service answers, the block runs as `describe(name, body)`. When one does not:
 *
 * - with `CI=true`, the block FAILS: it holds one test that throws the reason, since a CI run
 *   must never pass by testing nothing;
 * - otherwise it is skipped LOUDLY: a warning on stderr, and the reason in the block's name.
 *
 * Messages show URLs and probe errors with their password hidden. Call it at the top level of
 * a test file with `await`, so the block is declared while Vitest collects the file.
 *
 * @param name - The block's name.
 * @param probes - One probe per service the block needs; `{}` runs the block unconditionally.
 * @param body - Declares the block's tests, as the body of `describe`.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { describeWithServices, testServiceUrl } from '@portico/testing';
 *
 * async function selectOne(url: string): Promise<void> {
 *   const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
 *   client.on('error', () => {});
 *   try {
 *     await client.connect();
 *     await client.query('SELECT 1');
 *   } finally {
 *     await client.end().catch(() => {});
 *   }
 * }
 *
 * await describeWithServices('postgresStorage', { postgres: selectOne }, () => {
 *   const pool = new pg.Pool({ connectionString: testServiceUrl('postgres') });
 *   it('migrates', async () => {
 *     // …
 *   });
 * });
 * ```
 */
export async function describeWithServices(name: string, probes: ServiceProbes, body: () => void): Promise<void> {
  const needed = (Object.keys(probes) as TestService[]).filter((service) => probes[service] !== undefined);
  const reasons = (await Promise.all(needed.map((service) => missing(service, probes[service] as ServiceProbe)))).filter(
    (reason): reason is string => reason !== null,
  );
  if (reasons.length === 0) {
    describe(name, body);
    return;
  }
  const why = reasons.join('; ');
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`reaches ${needed.map((service) => known[service].label).join(' and ')} (required when CI=true)`, () => {
        throw new Error(`${name}: ${why}`);
      });
    });
    return;
  }
  const bar = '!'.repeat(100);
  console.warn(['', bar, `!!! SKIPPED ${name}:`, `!!! ${why}`, '!!! With CI=true this fails the run.', bar, ''].join('\n'));
  describe.skip(`${name} (SKIPPED: ${why})`, body);
}

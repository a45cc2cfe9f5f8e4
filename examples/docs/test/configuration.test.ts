// Keeps docs/configuration.md honest: every property of every documented options type (read
// from the sources with the TypeScript compiler) has a row in that type's section, every
// environment variable the examples, the Atlassian connector and the test helpers read has a row,
// and the fully configured gateway of the guide builds, serves and stops.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { createGateway, keyRingFromBase64, memoryStorage, signStandardWebhook, silentLogger, type HttpRequest } from '@portico/core';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const guide = readFileSync(join(root, 'docs/configuration.md'), 'utf8');

/** The documented options types: where each is declared. Nested option types are found from these. */
const documented: Record<string, string> = {
  GatewayOptions: 'packages/core/src/gateway.ts',
  HttpHandlerOptions: 'packages/core/src/http/handler.ts',
  Principal: 'packages/core/src/http/route.ts',
  EgressPolicyOptions: 'packages/core/src/egress/egress-policy.ts',
  MemoryRateLimiterOptions: 'packages/core/src/rate-limit/memory-rate-limiter.ts',
  MemoryStorageOptions: 'packages/core/src/storage/memory-storage.ts',
  StopOptions: 'packages/core/src/gateway.ts',
  SqliteStorageOptions: 'packages/sqlite/src/sqlite-storage.ts',
  PostgresConnection: 'packages/postgres/src/postgres-storage.ts',
  PostgresStorageOptions: 'packages/postgres/src/postgres-storage.ts',
  RedisRateLimiterOptions: 'packages/redis/src/redis-rate-limiter.ts',
  EnvClientOptions: 'packages/atlassian/src/config-from-env.ts',
};
/** Types that are not named `…Options` but are configuration all the same, so get a section. */
const alsoDocumented = new Set(['KeyRing', 'Clock', 'IdGenerator', 'Logger', 'OpenApiInfo']);

/** Section name → the property names (dotted below anonymous object types) its table must list. */
function expectedRows(): Map<string, Set<string>> {
  const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, root);
  const files = [...new Set(Object.values(documented))].map((file) => join(root, file));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const sections = new Map<string, Set<string>>();

  const declaredInSources = (symbol: ts.Symbol | undefined) =>
    symbol?.declarations?.some((declaration) => /[\\/]packages[\\/][^\\/]+[\\/]src[\\/]/.test(declaration.getSourceFile().fileName)) ?? false;

  function walk(type: ts.Type, section: string, prefix: string) {
    const rows = sections.get(section) ?? new Set<string>();
    sections.set(section, rows);
    const parts = type.isUnion() ? type.types : [type];
    for (const part of parts) {
      for (const property of checker.getPropertiesOfType(part)) {
        const name = `${prefix}${property.name}`;
        rows.add(name);
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        if (!declaration) continue;
        const value = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration));
        if (value.getCallSignatures().length > 0 || checker.isArrayLikeType(value) || value.isUnion()) continue;
        const symbol = value.aliasSymbol ?? value.getSymbol();
        if (!declaredInSources(symbol) || symbol === undefined) continue;
        if (symbol.name === '__type' || symbol.name === '__object') {
          walk(value, section, `${name}.`);
        } else if ((symbol.name.endsWith('Options') || alsoDocumented.has(symbol.name)) && !sections.has(symbol.name)) {
          walk(value, symbol.name, '');
        }
      }
    }
  }

  for (const [name, file] of Object.entries(documented)) {
    const source = program.getSourceFile(join(root, file));
    const module = source && checker.getSymbolAtLocation(source);
    const symbol = module && checker.getExportsOfModule(module).find((exported) => exported.name === name);
    if (!symbol) throw new Error(`${name} is not exported by ${file}`);
    walk(checker.getDeclaredTypeOfSymbol(symbol), name, '');
  }
  return sections;
}

/** The names in the first column of the tables under the heading that names `section` in backticks. */
function documentedRows(section: string): Set<string> | undefined {
  const lines = guide.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.includes(`\`${section}\``));
  if (start === -1) return undefined;
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 0;
  const rows = new Set<string>();
  for (const line of lines.slice(start + 1)) {
    const heading = /^(#+) /.exec(line);
    if (heading && (heading[1]?.length ?? 0) <= level) break;
    const row = /^\|\s*`([^`]+)`/.exec(line);
    if (row?.[1]) rows.add(row[1]);
  }
  return rows;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1] ?? '');
/** The code of a source file, without its comment lines (their examples read variables no code reads). */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/?\*)/.test(line))
    .join('\n');
const envReads = /\b(?:process\.)?env\.([A-Z][A-Z0-9_]*)\b/g;

describe('docs/configuration.md', () => {
  it('has a row for every property of every options type, nested ones included', { timeout: 120_000 }, () => {
    const expected = expectedRows();
    // The walk reached the nested option types, so the check below covers them too.
    expect([...expected.keys()]).toEqual(
      expect.arrayContaining(['LogOptions', 'UsageOptions', 'EgressOptions', 'DeliveryOptions', 'HandoffOptions', 'KeyRing', 'Logger', 'OpenApiInfo']),
    );
    expect(expected.get('EgressOptions')).toContain('tls.ca');
    expect(expected.get('HttpHandlerOptions')).toContain('limits.maxBodyBytes');
    const missing: string[] = [];
    for (const [section, rows] of expected) {
      const found = documentedRows(section);
      if (!found) {
        missing.push(`no heading naming \`${section}\``);
        continue;
      }
      for (const row of rows) if (!found.has(row)) missing.push(`${section}: ${row}`);
    }
    expect(missing).toEqual([]);
  });

  it('has a row for every environment variable the example servers, the connector and the test helpers read', () => {
    const read = new Set<string>();
    for (const name of names(code(join(root, 'examples/shared/config.mjs')), envReads)) read.add(name);
    for (const file of filesUnder(join(root, 'packages/atlassian/src'))) {
      for (const name of names(code(file), envReads)) read.add(name);
    }
    // atlassianConfigFromEnv reads through a helper: read(env, 'JIRA_BASE_URL') and lists of names.
    const fromEnv = code(join(root, 'packages/atlassian/src/config-from-env.ts'));
    for (const name of names(fromEnv, /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) read.add(name);
    const testHelpers = [
      ...readdirSync(join(root, 'packages')).flatMap((pkg) => {
        const dir = join(root, 'packages', pkg, 'test');
        try {
          return filesUnder(dir);
        } catch {
          return [];
        }
      }),
      ...filesUnder(join(root, 'examples/reliability/test')),
    ];
    for (const file of testHelpers) for (const name of names(code(file), envReads)) read.add(name);
    // @portico/testing finds the test servers through a table: `variable: 'PORTICO_TEST_PG_URL'`.
    for (const file of filesUnder(join(root, 'packages/testing/src'))) {
      const text = code(file);
      for (const name of [...names(text, envReads), ...names(text, /\bvariable:\s*'([A-Z][A-Z0-9_]*)'/g)]) read.add(name);
    }
    expect([...read]).toEqual(expect.arrayContaining(['PORTICO_MASTER_KEY', 'JIRA_BASE_URL', 'CONFLUENCE_PARENT_ID', 'PORTICO_TEST_PG_URL', 'CI']));
    const rows = new Set(names(guide, /^\|\s*`([A-Z][A-Z0-9_]*)`/gm));
    expect([...read].filter((name) => !rows.has(name))).toEqual([]);
  });
});

describe('the fully configured gateway of docs/configuration.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-docs-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds, registers an integration, receives a signed webhook through the handler and stops', async () => {
    const caFile = join(dir, 'corp-ca.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=Docs Test CA', '-keyout', join(dir, 'corp-ca.key'), '-out', caFile,
    ], { stdio: 'ignore' });
    Object.assign(process.env, {
      PORTICO_DB: join(dir, 'portico.db'),
      PORTICO_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
      PORTICO_ADMIN_TOKEN: 'docs-admin-token',
      AUDITOR_TOKEN: 'docs-auditor-token',
      CORP_CA_FILE: caFile,
    });
    const { gateway, handler, storage } = await import('../snippets/configuration-full.ts');
    const call = (method: string, path: string, headers: HttpRequest['headers'] = {}, body = '') =>
      handler.handle({ method, path, query: new URLSearchParams(), headers, rawBody: Buffer.from(body) });
    const admin = { authorization: 'Bearer docs-admin-token' };
    const auditor = { authorization: 'Bearer docs-auditor-token' };
    try {
      const created = await call('POST', '/gateway/integrations', admin, JSON.stringify({ name: 'Zabbix', type: 'MONITORING', signature_scheme: 'standard' }));
      expect(created.status).toBe(201);
      const { int_id, api_key, secret } = JSON.parse(String(created.body)) as { int_id: string; api_key: string; secret: string };

      const events: string[] = [];
      gateway.onWebhook((event) => void events.push(event.event));
      const body = JSON.stringify({ event: 'ALERT_RAISED', data: { host: 'db-1' } });
      const signed = signStandardWebhook({ secret, id: 'msg_docs_1', timestampSeconds: Math.floor(Date.now() / 1000), body });
      const accepted = await call('POST', '/gateway/webhook', { 'x-api-key': api_key, ...signed }, body);
      expect(accepted.status).toBe(202);
      await vi.waitFor(() => expect(events).toEqual(['ALERT_RAISED']));
      // webhookToleranceSeconds: 120 — a timestamp three minutes old is refused.
      const stale = signStandardWebhook({ secret, id: 'msg_docs_2', timestampSeconds: Math.floor(Date.now() / 1000) - 180, body });
      expect((await call('POST', '/gateway/webhook', { 'x-api-key': api_key, ...stale }, body)).status).toBe(403);

      // The added role reads, and may not write.
      expect((await call('GET', '/gateway/logs', auditor)).status).toBe(200);
      expect((await call('POST', '/gateway/integrations', auditor, '{}')).status).toBe(403);
      // limits.maxBodyBytes, the added route and the OpenAPI info.
      expect((await call('POST', '/gateway/webhook', { 'x-api-key': api_key }, 'x'.repeat(256 * 1024 + 1))).status).toBe(413);
      expect((await call('GET', '/gateway/health')).status).toBe(200);
      expect(handler.openapi().info.title).toBe('GUARDiA integration gateway');
      // keyGracePeriodMs: the rotated-out key works for two hours.
      const rotated = await call('POST', `/gateway/integrations/${int_id}/rotate-key`, admin);
      const { previous_key_expires_at } = JSON.parse(String(rotated.body)) as { previous_key_expires_at: string };
      expect(Date.parse(previous_key_expires_at) - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);
      expect(Date.parse(previous_key_expires_at) - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    } finally {
      await gateway.stop();
      await storage.close();
    }
  });
});

describe('key rotation of docs/configuration.md', () => {
  it('opens secrets sealed under the retired key and seals new ones under the current key', async () => {
    const retiredKey = Buffer.alloc(32, 21).toString('base64');
    Object.assign(process.env, { PORTICO_PREVIOUS_MASTER_KEY: retiredKey, PORTICO_MASTER_KEY: Buffer.alloc(32, 22).toString('base64') });
    const { keyRing } = await import('../snippets/configuration-keyring.ts');
    const storage = memoryStorage();
    const before = createGateway({ storage, keyRing: keyRingFromBase64(retiredKey), logger: silentLogger });
    const after = createGateway({ storage, keyRing, logger: silentLogger });
    try {
      const old = await before.integrations.create({ name: 'Old sender', type: 'WEBHOOK_IN', signatureScheme: 'standard' }, 'admin');
      const body = '{"event":"PING"}';
      const headers = signStandardWebhook({ secret: old.secret ?? '', id: 'msg_rotation', timestampSeconds: Math.floor(Date.now() / 1000), body });
      await expect(after.receiveWebhook({ key: old.apiKey, headers, rawBody: Buffer.from(body) })).resolves.toMatchObject({ accepted: true });
      const fresh = await after.integrations.create({ name: 'New sender', type: 'WEBHOOK_IN', signatureScheme: 'standard' }, 'admin');
      expect((await storage.integrations.get(old.integration.id))?.sealedSecret).toMatch(/^v1\.k1\./);
      expect((await storage.integrations.get(fresh.integration.id))?.sealedSecret).toMatch(/^v1\.2026-01\./);
    } finally {
      await before.stop();
      await after.stop();
      await storage.close();
    }
  });
});

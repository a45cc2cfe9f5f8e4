import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'portico-docs-walk-'));
Object.assign(process.env, {
  PORTICO_DB: join(dir, 'portico.db'),
  PORTICO_MASTER_KEY: Buffer.alloc(32, 17).toString('base64'),
  PORTICO_ADMIN_TOKEN: 'docs-admin-token',
  PORT: '0',
  HOST: '127.0.0.1',
});
const printed = vi.spyOn(console, 'log').mockImplementation(() => {});

const { server, stop } = await import('../snippets/getting-started-express.ts');
const script = fileURLToPath(new URL('../snippets/getting-started-walkthrough.sh', import.meta.url));

describe('the curl walk-through of the getting-started guide and the README', () => {
  afterAll(async () => {
    process.off('SIGTERM', stop).off('SIGINT', stop);
    await stop();
    printed.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops at the first admin call with the server\'s problem when the token is wrong, exiting non-zero', async () => {
    if (!server.listening) await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
    const run = promisify(execFile)('bash', [script], { env: { PATH: process.env.PATH, BASE: base, ADMIN_TOKEN: 'not-the-token' } });
    await expect(run).rejects.toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('"code":"UNAUTHENTICATED"') });
  });

  it('registers, sends a signed webhook, is refused a replay and an unsigned one, and reads logs and stats', async () => {
    if (!server.listening) await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
    const { stdout } = await promisify(execFile)('bash', [script], {
      env: { PATH: process.env.PATH, BASE: base, ADMIN_TOKEN: 'docs-admin-token' },
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    const intId = /^registered (GW-[0-9A-F]{8})$/.exec(lines[0] ?? '')?.[1];
    expect(intId).toBeDefined();
    expect(lines[1]).toMatch(new RegExp(`^\\{"accepted":true,"event":"ALERT_RAISED","int_id":"${intId}","event_id":"evt_[^"]+"\\} 202$`));
    expect(lines[2]).toMatch(/"code":"WEBHOOK_REPLAYED"\} 409$/);
    expect(lines[3]).toMatch(/"code":"SIGNATURE_INVALID"\} 403$/);
    const logs = JSON.parse(lines[4] ?? '') as { logs: { event: string; status: string; payload: unknown }[] };
    expect(logs.logs.map((entry) => [entry.event, entry.status])).toEqual([
      ['WEBHOOK_SIGNATURE_FAILED', 'ERROR'],
      ['WEBHOOK_REPLAYED', 'ERROR'],
      ['WEBHOOK_ALERT_RAISED', 'OK'],
    ]);
    expect(logs.logs[2]?.payload).toEqual({ event: 'ALERT_RAISED', data: { host: 'db-1', password: '***' } });
    expect(stdout).not.toContain('hunter2');
    const stats = JSON.parse(lines[5] ?? '') as Record<string, unknown>;
    expect(stats).toMatchObject({ total_integrations: 1, total_requests: 3, total_errors: 2, success_rate_pct: 33.3 });
    // The event handler of the guide saw the accepted webhook, once.
    expect(printed.mock.calls.filter(([line]) => line === `ALERT_RAISED from ${intId}`)).toHaveLength(1);
  });
});

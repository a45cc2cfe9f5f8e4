import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyLegacySignature } from '../../src/inbound/signatures/legacy';
import { gatewayRoutes } from '../../src/http/gateway-routes';
import { apiGuide, signingExample, signingExampleHeaders } from '../../src/http/openapi-guide';

const guide = apiGuide(gatewayRoutes, '/api/gateway');
const { secret, id, timestampSeconds, body } = signingExample;
const headers = signingExampleHeaders();

/** The fenced `sh` blocks of the guide, in order. */
const shellBlocks = [...guide.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((match) => match[1] ?? '');

describe('the worked example of the signing guide', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the message and the Standard Webhooks headers', () => {
    expect(guide).toContain(`- secret: \`${secret}\``);
    expect(guide).toContain(`- body, 50 bytes without a trailing newline: \`${body}\``);
    expect(guide).toContain(
      ['webhook-id: ' + id, `webhook-timestamp: ${timestampSeconds}`, `webhook-signature: ${headers.standard['webhook-signature']}`].join('\n'),
    );
    expect(guide).toContain(`X-Hub-Signature-256: ${headers.github}`);
    expect(guide).toContain(`X-Hub-Signature-256: ${headers.legacy}`);
  });

  it('is signed as the standardwebhooks package signs and verifies', () => {
    const webhook = new Webhook(secret);
    expect(webhook.sign(id, new Date(timestampSeconds * 1000), body)).toBe(headers.standard['webhook-signature']);
    vi.useFakeTimers({ now: timestampSeconds * 1000 + 60_000 });
    expect(webhook.verify(body, headers.standard)).toEqual(JSON.parse(body));
  });

  it('gives GitHub and legacy signatures that their verifiers accept', async () => {
    expect(await verifyGithub(secret, body, headers.github)).toBe(true);
    const legacy = verifyLegacySignature({
      secret,
      headers: { 'x-hub-signature-256': headers.legacy },
      rawBody: new TextEncoder().encode(body),
      nowMs: Date.now(),
    });
    expect(legacy.ok).toBe(true);
  });
});

const hasOpenssl = existsSync('/usr/bin/openssl');

describe.skipIf(!hasOpenssl)('the curl and openssl commands of the signing guide', () => {
  // `curl` is replaced by a function that prints its arguments, one a line.
  const run = (block: string) =>
    execFileSync('bash', ['-euc', `curl() { printf '%s\\n' "$@"; }\n${shellBlocks[0]}\n${block}`], { encoding: 'utf8' });
  const header = (output: string, name: string) =>
    output
      .split('\n')
      .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}: `))
      ?.slice(name.length + 2) ?? '';

  it('has the message block and one block per scheme', () => {
    expect(shellBlocks).toHaveLength(4);
    expect(shellBlocks[0]).toContain("url='https://gateway.example.internal/api/gateway/webhook'");
  });

  it('signs by Standard Webhooks as the standardwebhooks package verifies', () => {
    const output = run(shellBlocks[1] ?? '');
    const sent = {
      'webhook-id': header(output, 'webhook-id'),
      'webhook-timestamp': header(output, 'webhook-timestamp'),
      'webhook-signature': header(output, 'webhook-signature'),
    };
    expect(sent['webhook-id']).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(output).toContain(`--data-binary\n${body}\n`);
    expect(new Webhook(secret).verify(body, sent)).toEqual(JSON.parse(body));
  });

  it.each([
    ['GitHub style', 2, headers.github],
    ['legacy', 3, headers.legacy],
  ])('signs %s as the example shows', (_, index, expected) => {
    const output = run(shellBlocks[index] ?? '');
    expect(header(output, 'X-Hub-Signature-256')).toBe(expected);
    expect(header(output, 'X-Api-Key')).toBe('<the integration API key>');
  });
});

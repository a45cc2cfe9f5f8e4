import { createHash, createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import type { SignatureHeaders, SignatureInput } from '../../src/inbound/signatures/types';
import { verifySignature } from '../../src/inbound/signatures/verify';

const secret = 'guardia-shared-secret';
const payload = '{"event":"SR_CREATED","data":{"sr_id":"SR-1"}}';
const nowMs = Date.UTC(2026, 0, 1);

/** The original router's expected value, recomputed: HMAC keyed with sha256(secret).hexdigest(). */
function originalSignature(key: string, body: string | Uint8Array): string {
  const secretHash = createHash('sha256').update(key, 'utf8').digest('hex');
  return createHmac('sha256', Buffer.from(secretHash, 'utf8')).update(body).digest('hex');
}

const verify = (headers: SignatureHeaders, extra: Partial<SignatureInput> = {}) =>
  verifySignature('legacy', { secret, headers, rawBody: Buffer.from(payload), nowMs, ...extra });

describe("verifySignature('legacy')", () => {
  it.each([
    ['with the sha256= prefix', `sha256=${originalSignature(secret, payload)}`],
    ['without it (the original used removeprefix)', originalSignature(secret, payload)],
  ])('accepts the original scheme %s', (_name, header) => {
    expect(verify({ 'x-hub-signature-256': header })).toEqual({ ok: true, messageId: null, timestampMs: null });
  });

  it.each([
    // Computed by the original's own Python: hmac.new(_hash_secret(secret).encode(), payload, sha256).hexdigest()
    ['guardia-shared-secret', payload, '418f97028274e94348129b897240f01fa720a0d8a08de2686d8af83407894d97'],
    ['비밀 secret', '{"event":"알림"}', '668477d635e559d64a3b5c90feed7d76263c0009f55779d0c45eba88961acc76'],
  ])('matches a value computed by the original Python (secret %j)', (key, body, expected) => {
    expect(originalSignature(key, body)).toBe(expected);
    const headers = { 'x-hub-signature-256': `sha256=${expected}` };
    expect(verify(headers, { secret: key, rawBody: Buffer.from(body) }).ok).toBe(true);
  });

  it('refuses a GitHub-style signature keyed with the secret itself', async () => {
    expect(verify({ 'x-hub-signature-256': await sign(secret, payload) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a body with one byte changed', () => {
    const rawBody = Buffer.from(payload);
    rawBody[0] = 0x20;
    const headers = { 'x-hub-signature-256': originalSignature(secret, payload) };
    expect(verify(headers, { rawBody })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    const headers = { 'x-hub-signature-256': originalSignature('other', payload) };
    expect(verify(headers)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a request without the header, which the original let through', () => {
    expect(verify({})).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['one hex digit short', originalSignature(secret, payload).slice(1)],
    ['a non-hex digit', `${originalSignature(secret, payload).slice(1)}x`],
    ['another prefix', `sha1=${originalSignature(secret, payload)}`],
    ['the prefix twice', `sha256=sha256=${originalSignature(secret, payload)}`],
  ])('refuses %s as malformed', (_name, header) => {
    expect(verify({ 'x-hub-signature-256': header })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('throws INTERNAL on an empty secret', () => {
    const headers = { 'x-hub-signature-256': originalSignature('', payload) };
    expect(() => verify(headers, { secret: '' })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

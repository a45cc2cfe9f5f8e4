import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import type { SignatureHeaders, SignatureInput } from '../../src/inbound/signatures/types';
import { verifySignature } from '../../src/inbound/signatures/verify';

const secret = "It's a Secret to Everybody";
const payload = '{"action":"opened","issue":{"number":1,"title":"Ünïcödé \\u2603"}}';
const nowMs = Date.UTC(2026, 0, 1);

const verify = (headers: SignatureHeaders, extra: Partial<SignatureInput> = {}) =>
  verifySignature('github', { secret, headers, rawBody: Buffer.from(payload), nowMs, ...extra });

const octokitHeaders = async (key = secret, body = payload) => ({ 'x-hub-signature-256': await sign(key, body) });

describe("verifySignature('github')", () => {
  it('accepts a signature made by @octokit/webhooks-methods, with no id or time to return', async () => {
    expect(verify(await octokitHeaders())).toEqual({ ok: true, messageId: null, timestampMs: null });
  });

  it("matches GitHub's documented example", () => {
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    };
    expect(verify(headers, { rawBody: Buffer.from('Hello, World!') }).ok).toBe(true);
  });

  it('keys the HMAC with the UTF-8 bytes of a non-ASCII secret', async () => {
    const unicodeSecret = 'sécret 🔑';
    expect(verify(await octokitHeaders(unicodeSecret), { secret: unicodeSecret }).ok).toBe(true);
  });

  it('accepts upper-case hex', async () => {
    const { 'x-hub-signature-256': header } = await octokitHeaders();
    expect(verify({ 'x-hub-signature-256': `sha256=${header.slice(7).toUpperCase()}` }).ok).toBe(true);
  });

  it('refuses a body with one byte changed', async () => {
    const rawBody = Buffer.from(payload);
    rawBody[rawBody.length - 2] = (rawBody[rawBody.length - 2] ?? 0) ^ 0x20;
    expect(verify(await octokitHeaders(), { rawBody })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', async () => {
    expect(verify(await octokitHeaders('another secret'))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('verifies the exact bytes of a body that is not canonical JSON', async () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(payload)));
    expect(verify(await octokitHeaders(), { rawBody: reserialised })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('takes the first value of a repeated header', async () => {
    const { 'x-hub-signature-256': valid } = await octokitHeaders();
    expect(verify({ 'x-hub-signature-256': [valid, 'sha256=00'] }).ok).toBe(true);
    expect(verify({ 'x-hub-signature-256': ['sha256=00', valid] })).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['an empty array', []],
  ])('refuses a header %s as missing', (_name, value) => {
    expect(verify({ 'x-hub-signature-256': value })).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses the SHA-1 header alone as missing', () => {
    const sha1 = `sha1=${createHmac('sha1', secret).update(payload).digest('hex')}`;
    expect(verify({ 'x-hub-signature': sha1 })).toEqual({ ok: false, reason: 'missing' });
  });

  const digest = createHmac('sha256', secret).update(payload).digest('hex');
  it.each([
    ['no sha256= prefix', digest],
    ['a sha1= prefix', `sha1=${digest}`],
    ['an upper-case prefix', `SHA256=${digest}`],
    ['one hex digit short', `sha256=${digest.slice(1)}`],
    ['one byte long', `sha256=${digest}00`],
    ['a non-hex digit', `sha256=${digest.slice(1)}g`],
    ['a space inside', `sha256=${digest.slice(0, 32)} ${digest.slice(33)}`],
    ['base64 instead of hex', `sha256=${Buffer.from(digest, 'hex').toString('base64')}`],
    ['a 0x prefix', `sha256=0x${digest.slice(2)}`],
    ['a trailing newline', `sha256=${digest}\n`],
  ])('refuses %s as malformed', (_name, header) => {
    expect(verify({ 'x-hub-signature-256': header })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('throws INTERNAL on an empty secret, which anyone could sign with', () => {
    const headers = { 'x-hub-signature-256': `sha256=${createHmac('sha256', '').update(payload).digest('hex')}` };
    expect(() => verify(headers, { secret: '' })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

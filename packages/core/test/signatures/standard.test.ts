import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook, standardSecretKey } from '../../src/inbound/signatures/standard';
import type { SignatureHeaders, SignatureInput } from '../../src/inbound/signatures/types';
import { verifySignature } from '../../src/inbound/signatures/verify';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const nowSeconds = 1_767_225_600; // 2026-01-01T00:00:00Z
const nowMs = nowSeconds * 1000;
const msgId = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const payload = '{"event":"SR_CREATED","data":{"sr_id":"SR-1"}}';

/** Headers signed by the public `standardwebhooks` package, the reference implementation. */
function referenceHeaders(options: { body?: string; timestampSeconds?: number; key?: string } = {}) {
  const timestampSeconds = options.timestampSeconds ?? nowSeconds;
  const date = new Date(timestampSeconds * 1000);
  const signature = new Webhook(options.key ?? secret).sign(msgId, date, options.body ?? payload);
  return { 'webhook-id': msgId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signature };
}

const verify = (headers: SignatureHeaders, extra: Partial<SignatureInput> = {}) =>
  verifySignature('standard', { secret, headers, rawBody: Buffer.from(payload), nowMs, ...extra });

describe("verifySignature('standard')", () => {
  it('accepts a signature made by the standardwebhooks package, returning the id and time', () => {
    expect(verify(referenceHeaders())).toEqual({ ok: true, messageId: msgId, timestampMs: nowMs });
  });

  it('refuses a body with one byte changed', () => {
    const rawBody = Buffer.from(payload);
    rawBody[10] = (rawBody[10] ?? 0) ^ 0x01;
    expect(verify(referenceHeaders(), { rawBody })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    const headers = referenceHeaders({ key: `whsec_${randomBytes(32).toString('base64')}` });
    expect(verify(headers)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    ['another id', { 'webhook-id': 'msg_other' }],
    ['another timestamp', { 'webhook-timestamp': String(nowSeconds - 1) }],
  ])('refuses %s than the one signed', (_name, change) => {
    expect(verify({ ...referenceHeaders(), ...change })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('verifies the exact bytes of a body that is not canonical JSON', () => {
    const body = '{ "event" : "SR_CREATED",\n  "name": "\\u00e9t\\u00e9", "n": 1.0 }';
    const headers = referenceHeaders({ body });
    expect(verify(headers, { rawBody: Buffer.from(body) }).ok).toBe(true);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body)));
    expect(verify(headers, { rawBody: reserialised })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('verifies a body given as a view into a larger buffer, over the view only', () => {
    const framed = Buffer.from(`XXXX${payload}YYYY`);
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 4, payload.length);
    expect(verify(referenceHeaders(), { rawBody: view }).ok).toBe(true);
  });

  describe('timestamp tolerance', () => {
    it.each([
      ['300 s old', -300, undefined, true],
      ['301 s old', -301, undefined, false],
      ['300 s ahead', 300, undefined, true],
      ['301 s ahead', 301, undefined, false],
      ['a day old', -86_400, undefined, false],
      ['10 s old, tolerance 10', -10, 10, true],
      ['11 s old, tolerance 10', -11, 10, false],
      ['11 s ahead, tolerance 10', 11, 10, false],
      ['1 s ahead, tolerance 0', 1, 0, false],
      ['now, tolerance 0', 0, 0, true],
    ])('%s: accepted %s', (_name, offsetSeconds, toleranceSeconds, accepted) => {
      const headers = referenceHeaders({ timestampSeconds: nowSeconds + offsetSeconds });
      const result = verify(headers, toleranceSeconds === undefined ? {} : { toleranceSeconds });
      expect(result).toEqual(accepted ? expect.objectContaining({ ok: true }) : { ok: false, reason: 'stale' });
    });

    it('counts in whole seconds, as the reference does', () => {
      const headers = referenceHeaders({ timestampSeconds: nowSeconds - 300 });
      expect(verify(headers, { nowMs: nowMs + 999 }).ok).toBe(true);
      expect(verify(headers, { nowMs: nowMs + 1000 })).toEqual({ ok: false, reason: 'stale' });
    });

    it('refuses everything when the tolerance or clock is NaN', () => {
      expect(verify(referenceHeaders(), { toleranceSeconds: Number.NaN })).toEqual({ ok: false, reason: 'stale' });
      expect(verify(referenceHeaders(), { nowMs: Number.NaN })).toEqual({ ok: false, reason: 'stale' });
    });
  });

  it.each([
    '1767225600abc',
    '1767225600.0',
    '1767225600.5',
    '-1767225600',
    '+1767225600',
    ' 1767225600',
    '1767225600 ',
    '01767225600',
    '1.7672256e9',
    '0x6955B900',
    '1767225600000',
    '0',
    '١٧٦٧٢٢٥٦٠٠',
  ])('refuses the non-integer or non-canonical timestamp %j', (timestamp) => {
    const headers = { ...referenceHeaders(), 'webhook-timestamp': timestamp };
    expect(verify(headers)).toEqual({ ok: false, reason: 'malformed' });
  });

  describe('signature lists', () => {
    const valid = referenceHeaders()['webhook-signature'];
    const forged = `v1,${randomBytes(32).toString('base64')}`;

    it.each([
      ['a forged entry first', `${forged} ${valid}`],
      ['a forged entry last', `${valid} ${forged}`],
      ['entries of other versions', `v1a,${randomBytes(64).toString('base64')} v2,abc ${valid}`],
      ['doubled spaces', `${forged}  ${valid}`],
      ['16 entries, the valid one last', `${`${forged} `.repeat(15)}${valid}`],
    ])('accepts %s', (_name, signatures) => {
      expect(verify({ ...referenceHeaders(), 'webhook-signature': signatures }).ok).toBe(true);
    });

    it('accepts the signature header sent twice (as an array)', () => {
      expect(verify({ ...referenceHeaders(), 'webhook-signature': [forged, valid] }).ok).toBe(true);
    });

    it.each([
      ['17 entries, even with a valid one', `${`${forged} `.repeat(16)}${valid}`, 'malformed'],
      ['a header over 2048 characters', `${valid} v2,${'A'.repeat(2048)}`, 'malformed'],
      ['forged entries only', `${forged} ${forged}`, 'mismatch'],
      ['a signature of the wrong length', `v1,${randomBytes(16).toString('base64')}`, 'mismatch'],
      ['no v1 entry', `v2,${valid.slice(3)}`, 'malformed'],
      ['a version without a comma', `v1${valid.slice(3)}`, 'malformed'],
      ['unpadded base64', valid.replace(/=+$/, ''), 'malformed'],
      ['base64url', `v1,${Buffer.from(valid.slice(3), 'base64').toString('base64url')}`, 'malformed'],
      ['garbage after the signature', `${valid},extra`, 'malformed'],
      ['non-base64 characters', 'v1,@@@@', 'malformed'],
      ['an empty signature', 'v1,', 'mismatch'],
    ])('refuses %s', (_name, signatures, reason) => {
      expect(verify({ ...referenceHeaders(), 'webhook-signature': signatures })).toEqual({ ok: false, reason });
    });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)('refuses a request without %s', (name) => {
    const headers: SignatureHeaders = { ...referenceHeaders(), [name]: undefined };
    expect(verify(headers)).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ ...referenceHeaders(), [name]: '' })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ ...referenceHeaders(), [name]: [] })).toEqual({ ok: false, reason: 'missing' });
  });

  it('reads header names in lower case only, as documented', () => {
    const entries = Object.entries(referenceHeaders());
    const upper = Object.fromEntries(entries.map(([name, value]) => [name.toUpperCase(), value]));
    expect(verify(upper)).toEqual({ ok: false, reason: 'missing' });
  });

  it('takes the first of repeated single-value headers', () => {
    const headers = referenceHeaders();
    const repeated = {
      'webhook-id': [msgId, 'msg_other'],
      'webhook-timestamp': [headers['webhook-timestamp'], '1'],
      'webhook-signature': headers['webhook-signature'],
    };
    expect(verify(repeated)).toEqual({ ok: true, messageId: msgId, timestampMs: nowMs });
  });

  it('refuses an id over 256 characters', () => {
    const id = 'm'.repeat(257);
    const headers = signStandardWebhook({ secret, id, timestampSeconds: nowSeconds, body: payload });
    expect(verify(headers)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('reads a secret without the whsec_ prefix as base64 whole, as the reference does', () => {
    const bare = randomBytes(24).toString('base64');
    const headers = referenceHeaders({ key: bare });
    expect(verify(headers, { secret: bare }).ok).toBe(true);
    expect(verify(headers, { secret: `whsec_${bare}` }).ok).toBe(true);
  });

  it.each([
    ['not base64', 'whsec_not base64!'],
    ['empty after the prefix', 'whsec_'],
    ['empty', ''],
    ['unpadded', `whsec_${randomBytes(32).toString('base64').replace(/=+$/, '')}`],
  ])('throws INTERNAL on a secret %s: a configuration fault, not the sender\'s', (_name, badSecret) => {
    expect(() => verify(referenceHeaders(), { secret: badSecret })).toThrow(
      expect.objectContaining({ name: 'PorticoError', code: 'INTERNAL' }),
    );
  });

  it('does not echo an unusable secret', () => {
    const badSecret = 'whsec_hunter2-is-my-password';
    expect(() => verify(referenceHeaders(), { secret: badSecret })).toThrow(/not a Standard Webhooks secret/);
    expect(() => verify(referenceHeaders(), { secret: badSecret })).not.toThrow(/hunter2/);
  });
});

describe('signStandardWebhook', () => {
  it('signs so that the standardwebhooks package verifies', () => {
    const timestampSeconds = Math.floor(Date.now() / 1000);
    const headers = signStandardWebhook({ secret, id: msgId, timestampSeconds, body: payload });
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
  });

  it('produces the header values the reference produces', () => {
    const headers = signStandardWebhook({ secret, id: msgId, timestampSeconds: nowSeconds, body: payload });
    expect(headers).toEqual(referenceHeaders());
  });

  it('signs binary bodies over their bytes', () => {
    const body = Uint8Array.from([0xff, 0x00, 0xc3, 0x28, 0x0a]);
    const headers = signStandardWebhook({ secret, id: msgId, timestampSeconds: nowSeconds, body });
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(`${msgId}.${nowSeconds}.`), body]))
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(verify(headers, { rawBody: body }).ok).toBe(true);
  });

  it.each([1.5, 0, -1, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses the timestamp %s', (timestampSeconds) => {
    expect(() => signStandardWebhook({ secret, id: msgId, timestampSeconds, body: payload })).toThrow(TypeError);
  });
});

describe('standardSecretKey', () => {
  it('decodes the base64 after whsec_', () => {
    expect(standardSecretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')?.length).toBe(24);
  });

  it.each(['whsec_', 'whsec_!!!!', 'whsec_abc', ''])('refuses %j', (text) => {
    expect(standardSecretKey(text)).toBeNull();
  });
});

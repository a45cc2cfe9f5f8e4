import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPorticoError } from '../../src/errors';
import { createMasker, mask, maskText, type MaskOptions } from '../../src/mask/mask';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const API_KEY = `gk_${'4Vq9ZtR2mX7bK1pW8nL3cY6dF0hJ5sG2aQ9eU4iO7rT1yB3vN'}`;
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;

class Point {
  constructor(
    readonly x: number,
    readonly secret: string,
  ) {}
}

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;
const shared = { id: 1 };
const throwing = Object.defineProperty({ ok: 1 }, 'boom', {
  enumerable: true,
  get() {
    throw new Error('nope');
  },
});
const revoked = Proxy.revocable({}, {});
revoked.revoke();
const protoKey = JSON.parse('{"__proto__": {"token": "abc"}, "a": 1}') as unknown;

interface Case {
  name: string;
  input: unknown;
  expected: unknown;
  options?: MaskOptions;
}

const cases: Case[] = [
  // Sensitive names, from the issue.
  { name: 'password', input: { password: 'hunter2', user: 'kim' }, expected: { password: '***', user: 'kim' } },
  { name: 'client_secret', input: { client_secret: 's3cr3t' }, expected: { client_secret: '***' } },
  { name: 'apiKey', input: { apiKey: 'abc' }, expected: { apiKey: '***' } },
  {
    name: 'x-api-key header',
    input: { 'x-api-key': 'abc', accept: '*/*' },
    expected: { 'x-api-key': '***', accept: '*/*' },
  },
  { name: 'key', input: { key: 'abc' }, expected: { key: '***' } },
  { name: 'Authorization', input: { Authorization: 'Basic dXNlcjpwYXNz' }, expected: { Authorization: '***' } },
  {
    name: 'access_token',
    input: { access_token: 'abc', token_type: 'bearer', expires_in: 3600 },
    expected: { access_token: '***', token_type: '***', expires_in: 3600 },
  },
  { name: 'Cookie', input: { Cookie: 'sid=1; theme=dark' }, expected: { Cookie: '***' } },
  { name: 'private_key', input: { private_key: '-----BEGIN PRIVATE KEY-----' }, expected: { private_key: '***' } },
  {
    name: 'credentials: a whole object',
    input: { credentials: { user: 'kim', pass: 'x' } },
    expected: { credentials: '***' },
  },
  // Not sensitive, though the original's substring regex masked them.
  {
    name: 'monkey, keyboard, turkey, tokens_used, author',
    input: { monkey: 'george', keyboard: 'qwerty', turkey: 'roast', tokens_used: 1200, author: 'kim' },
    expected: { monkey: 'george', keyboard: 'qwerty', turkey: 'roast', tokens_used: 1200, author: 'kim' },
  },
  {
    name: 'names that describe a secret or an identifier',
    input: { key_id: 'k1', public_key: 'ssh-ed25519 AAAA', api_key_prefix: 'gk_4Vq9Zt', signature_scheme: 'standard', jira_key: 'OPS-12' },
    expected: { key_id: 'k1', public_key: 'ssh-ed25519 AAAA', api_key_prefix: 'gk_4Vq9Zt', signature_scheme: 'standard', jira_key: 'OPS-12' },
  },
  {
    name: 'null and booleans under sensitive names',
    input: { has_secret: true, password: null },
    expected: { has_secret: true, password: null },
  },
  {
    name: 'camelCase and acronyms',
    input: { APIKey: 'a', clientSecret: 'b', refreshToken: 'c' },
    expected: { APIKey: '***', clientSecret: '***', refreshToken: '***' },
  },
  // Header maps.
  {
    name: 'header map with arrays of values',
    input: { 'set-cookie': ['sid=1', 'theme=dark'], accept: ['text/html', 'application/json'], 'Proxy-Authorization': 'Basic abc' },
    expected: { 'set-cookie': '***', accept: ['text/html', 'application/json'], 'Proxy-Authorization': '***' },
  },
  {
    name: 'signature headers',
    input: { 'X-Hub-Signature-256': 'sha256=abc', 'webhook-signature': 'v1,abc', 'webhook-id': 'msg_1' },
    expected: { 'X-Hub-Signature-256': '***', 'webhook-signature': '***', 'webhook-id': 'msg_1' },
  },
  {
    name: 'Bearer in a header value',
    input: { 'X-Upstream': 'Bearer abcdef123456', Accept: 'text/html' },
    expected: { 'X-Upstream': 'Bearer ***', Accept: 'text/html' },
  },
  {
    name: 'Headers instance',
    input: new Headers({ Authorization: 'Bearer abcdef123456', 'Content-Type': 'application/json' }),
    expected: { authorization: '***', 'content-type': 'application/json' },
  },
  // Secrets by shape, wherever they stand.
  {
    name: 'JWT inside a sentence',
    input: `session expired for ${JWT}, please log in`,
    expected: 'session expired for ***, please log in',
  },
  {
    name: 'Bearer in free text',
    input: 'sent Authorization: Bearer abc.DEF-123_456~x/y+z== upstream',
    expected: 'sent Authorization: Bearer *** upstream',
  },
  { name: 'gk_ API key in text', input: { message: `key ${API_KEY} revoked` }, expected: { message: 'key *** revoked' } },
  { name: 'whsec_ secret', input: { note: `use ${WEBHOOK_SECRET}` }, expected: { note: 'use ***' } },
  { name: 'GitHub token', input: [GITHUB_TOKEN], expected: ['***'] },
  { name: 'Luhn-valid card with spaces', input: 'paid with 4111 1111 1111 1111 today', expected: 'paid with *** today' },
  {
    name: 'Luhn-valid card, dashes and digits only',
    input: ['5500-0000-0000-0004', '378282246310005'],
    expected: ['***', '***'],
  },
  { name: 'Luhn-invalid digit run is kept', input: 'order 4111111111111112', expected: 'order 4111111111111112' },
  { name: 'epoch milliseconds are kept', input: { at: '1700000000000' }, expected: { at: '1700000000000' } },
  {
    name: 'short digit runs are kept',
    input: 'ticket 4242 at 10:30, phone 010-1234-5678',
    expected: 'ticket 4242 at 10:30, phone 010-1234-5678',
  },
  // URLs and name=value text.
  {
    name: 'URL query: token masked, page kept',
    input: { url: 'https://h.example/cb?token=abc&page=2' },
    expected: { url: 'https://h.example/cb?token=***&page=2' },
  },
  { name: 'URL userinfo', input: 'https://user:pass@host/', expected: 'https://user:***@host/' },
  {
    name: 'URL object',
    input: new URL('https://bot:hunter2@example.com/x?api_key=1&q=ok'),
    expected: 'https://bot:***@example.com/x?api_key=***&q=ok',
  },
  {
    name: 'OAuth fragment',
    input: 'https://app/cb#access_token=abc&state=xyz',
    expected: 'https://app/cb#access_token=***&state=xyz',
  },
  { name: 'form body', input: 'user=kim&password=hunter2&remember=1', expected: 'user=kim&password=***&remember=1' },
  {
    name: 'connection string',
    input: 'Server=db;User Id=app;Password=hunter2;',
    expected: 'Server=db;User Id=app;Password=***;',
  },
  {
    name: 'JSON kept as text, even cut short',
    input: '{"user":"kim","password":"hun\\"ter2","pin":1234,"note":"x", "secret": "abc',
    expected: '{"user":"kim","password":"***","pin":"***","note":"x", "secret": "***"',
  },
  { name: 'URLSearchParams', input: new URLSearchParams('token=abc&page=2'), expected: { token: '***', page: '2' } },
  // Structure.
  {
    name: 'nested objects and arrays',
    input: { data: { items: [{ id: 1, secret: 'x' }, { id: 2, nested: { auth: { user: 'u' } } }] } },
    expected: { data: { items: [{ id: 1, secret: '***' }, { id: 2, nested: { auth: '***' } }] } },
  },
  { name: 'cycle', input: circular, expected: { name: 'loop', self: '[circular]' } },
  { name: 'shared reference is not a cycle', input: { a: shared, b: [shared] }, expected: { a: { id: 1 }, b: [{ id: 1 }] } },
  {
    name: 'depth limit',
    input: { a: { b: { c: { d: 1 } } }, s: 'ok' },
    options: { maxDepth: 2 },
    expected: { a: { b: '[truncated: too deep]' }, s: 'ok' },
  },
  {
    name: 'string length limit',
    input: 'x'.repeat(30),
    options: { maxStringLength: 10 },
    expected: 'xxxxxxxxxx…[truncated: 30 chars]',
  },
  {
    name: 'output size limit, array',
    input: Array.from({ length: 100 }, (_, i) => i),
    options: { maxOutputLength: 40 },
    expected: [0, 1, 2, 3, 4, 5, 6, 7, 8, '[truncated: 91 more items]'],
  },
  {
    name: 'output size limit, object',
    input: { a: 'aaaa', b: 'bbbb', c: 'cccc', d: 'dddd' },
    options: { maxOutputLength: 20 },
    expected: { a: 'aaaa', b: 'bbbb', '…': '[truncated: 2 more keys]' },
  },
  // Values that are not plain JSON.
  { name: 'Date', input: { at: new Date('2024-05-01T12:00:00Z') }, expected: { at: '2024-05-01T12:00:00.000Z' } },
  { name: 'invalid Date', input: [new Date(Number.NaN)], expected: [null] },
  {
    name: 'Buffer and Uint8Array',
    input: { body: Buffer.from('hello'), raw: new Uint8Array(3) },
    expected: { body: '[binary: 5 bytes]', raw: '[binary: 3 bytes]' },
  },
  {
    name: 'Map with a sensitive key',
    input: new Map<unknown, unknown>([['token', 'abc'], [1, 'one']]),
    expected: { token: '***', 1: 'one' },
  },
  { name: 'Set', input: new Set(['a', JWT]), expected: ['a', '***'] },
  {
    name: 'bigint and non-finite numbers',
    input: [10n, Number.NaN, Number.POSITIVE_INFINITY, -0.5],
    expected: ['10', 'NaN', 'Infinity', -0.5],
  },
  {
    name: 'functions, symbols and undefined are left out',
    input: { f: () => 1, s: Symbol('s'), u: undefined, list: [() => 1, undefined], kept: 1 },
    expected: { list: [null, null], kept: 1 },
  },
  {
    name: 'Error',
    input: Object.assign(new Error('failed with Bearer abcdef123456'), { code: 'E1' }),
    expected: { name: 'Error', message: 'failed with Bearer ***', code: 'E1' },
  },
  { name: 'class instance', input: new Point(1, 's'), expected: { x: 1, secret: '***' } },
  { name: 'toJSON', input: { money: { toJSON: () => '12.50 KRW' } }, expected: { money: '12.50 KRW' } },
  { name: 'a throwing getter', input: { inner: throwing, ok: true }, expected: { inner: '[unreadable]', ok: true } },
  { name: 'a revoked proxy', input: [revoked.proxy, 1], expected: ['[unreadable]', 1] },
  { name: '__proto__ stays a member', input: protoKey, expected: JSON.parse('{"__proto__": {"token": "***"}, "a": 1}') },
  // Options.
  {
    name: 'placeholder',
    input: { password: 'x', url: '?token=abc' },
    options: { placeholder: '[redacted]' },
    expected: { password: '[redacted]', url: '?token=[redacted]' },
  },
  {
    name: 'extraKeys',
    input: { user_ssn: '900101-1234567', 'X-Tenant-Code': 't1', name: 'kim' },
    options: { extraKeys: ['ssn', 'tenantCode'] },
    expected: { user_ssn: '***', 'X-Tenant-Code': '***', name: 'kim' },
  },
  { name: 'scalars pass through', input: [1, true, null, 'plain text'], expected: [1, true, null, 'plain text'] },
];

describe('mask', () => {
  it.each(cases)('$name', ({ input, expected, options }) => {
    expect(mask(input, options)).toStrictEqual(expected);
  });

  it('never changes its input', () => {
    const input = { headers: { Authorization: 'Bearer abcdef123456' }, list: [{ password: 'x' }], url: '?token=abc' };
    const before = structuredClone(input);
    mask(input);
    expect(input).toStrictEqual(before);
  });

  it('bounds a huge, deeply nested input and marks it truncated', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    const wide = Array.from({ length: 200_000 }, (_, i) => ({ id: i, text: 'y'.repeat(5_000) }));
    const options = { maxOutputLength: 10_000, maxStringLength: 100 };

    const deepJson = JSON.stringify(mask(deep, options));
    const wideJson = JSON.stringify(mask(wide, options));

    expect(deepJson).toContain('[truncated: too deep]');
    expect(wideJson).toMatch(/\[truncated: \d+ more items\]"\]$/);
    expect(wideJson.length).toBeLessThan(options.maxOutputLength + 2 * options.maxStringLength);
  });

  it('does not leave half a secret where a long string is cut', () => {
    const text = `${'a'.repeat(95)} ${JWT} ${'b'.repeat(1_000)}`;
    const masked = maskText(text, { maxStringLength: 100 });
    expect(masked).toBe(`${'a'.repeat(95)} *** …[truncated: ${text.length} chars]`);
  });

  it('does not split a surrogate pair when it cuts', () => {
    expect(maskText('ab😀cd', { maxStringLength: 3 })).toBe('ab…[truncated: 6 chars]');
  });

  it('returns JSON-safe values and never throws, whatever it is given', () => {
    const anything = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true });
    fc.assert(
      fc.property(anything, (value) => {
        const json = JSON.stringify(mask(value, { maxOutputLength: 2_000, maxStringLength: 200 }));
        expect(json === undefined || JSON.stringify(JSON.parse(json)) === json).toBe(true);
      }),
    );
  });

  it('masks the same way through a compiled masker', () => {
    const maskPayload = createMasker({ extraKeys: ['ssn'] });
    expect(maskPayload({ ssn: '1', token: 'x', ok: 'y' })).toStrictEqual({ ssn: '***', token: '***', ok: 'y' });
  });

  it.each([{ maxDepth: -1 }, { maxStringLength: 0 }, { maxOutputLength: 1.5 }])('refuses the limit %j', (options) => {
    let caught: unknown;
    try {
      createMasker(options);
    } catch (error) {
      caught = error;
    }
    expect(isPorticoError(caught, 'VALIDATION_FAILED')).toBe(true);
  });
});

describe('the shortest secret shapes', () => {
  // The shape pattern is skipped below 12 characters, so the shortest shapes sit on that line.
  it.each([
    ['a cut-off JWT of 12 characters', 'eyJhbGciOiJ.', '***'],
    ['a card number of 13 digits', '4222222222222', '***'],
  ])('masks %s', (_, text, expected) => {
    expect(maskText(text)).toBe(expected);
  });

  it('leaves short plain values as they are', () => {
    expect(maskText('SR-104233')).toBe('SR-104233');
    expect(maskText('eyJhbGciOi.')).toBe('eyJhbGciOi.');
  });
});

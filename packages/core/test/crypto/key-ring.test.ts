import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertKeyRing,
  generateKeyRing,
  keyRingFromBase64,
  openSecret,
  sealedKeyId,
  sealSecret,
  type KeyRing,
  type SealContext,
} from '../../src/crypto/key-ring';
import { PorticoError } from '../../src/errors';

const context: SealContext = { recordId: 'GW-0000AAAA', purpose: 'secret' };
const plaintext = 'whsec_c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==';

/** What `run` throws; fails the test when it returns. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a throw');
}

function openError(ring: KeyRing, sealed: string, ctx: SealContext = context): PorticoError {
  const error = thrown(() => openSecret(ring, sealed, ctx));
  expect(error).toBeInstanceOf(PorticoError);
  return error as PorticoError;
}

/** Replaces part `index` of a sealed value (0 = version … 4 = tag). */
function withPart(sealed: string, index: number, edit: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = edit(parts[index] ?? '');
  return parts.join('.');
}

const reencode = (part: string, edit: (bytes: Buffer) => Buffer) =>
  edit(Buffer.from(part, 'base64url')).toString('base64url');

const flipFirstBit = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 0x01;
  return copy;
};

describe('sealSecret and openSecret', () => {
  const ring = generateKeyRing();

  it.each([
    ['a signing secret', plaintext],
    ['the empty string', ''],
    ['non-ASCII text', 'clé 🔑 비밀'],
    ['JSON of headers', JSON.stringify({ Authorization: 'Bearer abc.def.ghi' })],
  ])('round-trips %s', (_name, text) => {
    expect(openSecret(ring, sealSecret(ring, text, context), context)).toBe(text);
  });

  it('writes v1.<keyId>.<iv>.<ciphertext>.<tag> with a 12-byte iv and a 16-byte tag', () => {
    const sealed = sealSecret(ring, plaintext, context);
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(plaintext);
  });

  it('uses a fresh iv each time', () => {
    const sealed = new Set(Array.from({ length: 50 }, () => sealSecret(ring, plaintext, context)));
    expect(sealed.size).toBe(50);
  });

  it.each([
    ['another record', { ...context, recordId: 'GW-0000BBBB' }],
    ['another purpose', { ...context, purpose: 'headers' }],
    ['fields split differently', { recordId: 'GW-0000AAAA.secret', purpose: '' }],
  ])('refuses to open for %s, without leaking the plaintext', (_name, other) => {
    const error = openError(ring, sealSecret(ring, plaintext, context), other);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain(plaintext);
    expect(JSON.stringify(error.toProblem())).not.toContain(plaintext);
  });

  it('binds the key id: a value relabelled to another id holding the same key does not open', () => {
    const key = randomBytes(32);
    const twins: KeyRing = { currentKeyId: 'a', keys: { a: key, b: Uint8Array.from(key) } };
    const relabelled = withPart(sealSecret(twins, plaintext, context), 1, () => 'b');
    expect(openError(twins, relabelled).code).toBe('INTERNAL');
  });

  it.each([
    ['a tag cut to 12 bytes', 4, (part: string) => reencode(part, (tag) => tag.subarray(0, 12))],
    ['a tag cut to 15 bytes', 4, (part: string) => reencode(part, (tag) => tag.subarray(0, 15))],
    ['a tag cut to 4 bytes', 4, (part: string) => reencode(part, (tag) => tag.subarray(0, 4))],
    ['a flipped tag bit', 4, (part: string) => reencode(part, flipFirstBit)],
    ['a flipped ciphertext bit', 3, (part: string) => reencode(part, flipFirstBit)],
    ['a flipped iv bit', 2, (part: string) => reencode(part, flipFirstBit)],
    ['a ciphertext one byte short', 3, (part: string) => reencode(part, (bytes) => bytes.subarray(1))],
    ['an iv of 16 bytes', 2, () => randomBytes(16).toString('base64url')],
    ['a non-base64url part', 3, (part: string) => `${part.slice(1)}+`],
    ['another version', 0, () => 'v2'],
    ['an empty key id', 1, () => ''],
  ])('refuses %s', (_name, index, edit) => {
    const tampered = withPart(sealSecret(ring, plaintext, context), index, edit);
    const error = openError(ring, tampered);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain(plaintext);
  });

  it.each(['', 'v1', 'v1.k1', 'not a sealed value', 'x'.repeat(40)])('refuses the malformed %j', (sealed) => {
    expect(openError(ring, sealed).code).toBe('INTERNAL');
  });

  it('refuses a value with an extra part', () => {
    expect(openError(ring, `${sealSecret(ring, plaintext, context)}.AAAA`).code).toBe('INTERNAL');
  });
});

describe('key rotation', () => {
  const oldRing = generateKeyRing('2025-06');
  const newKey = new Uint8Array(randomBytes(32));
  const rotated: KeyRing = { currentKeyId: '2026-01', keys: { ...oldRing.keys, '2026-01': newKey } };

  it('opens values sealed under the retired key', () => {
    const sealed = sealSecret(oldRing, plaintext, context);
    expect(openSecret(rotated, sealed, context)).toBe(plaintext);
  });

  it('seals new values under the current key', () => {
    const sealed = sealSecret(rotated, plaintext, context);
    expect(sealed.startsWith('v1.2026-01.')).toBe(true);
    expect(openSecret({ currentKeyId: '2026-01', keys: { '2026-01': newKey } }, sealed, context)).toBe(plaintext);
  });

  it('says which key id is missing once the retired key is dropped', () => {
    const sealed = sealSecret(oldRing, plaintext, context);
    const error = openError({ currentKeyId: '2026-01', keys: { '2026-01': newKey } }, sealed);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain("key id '2025-06'");
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'treats the inherited name %j as an unknown key id',
    (keyId) => {
      const sealed = withPart(sealSecret(oldRing, plaintext, context), 1, () => keyId);
      expect(openError(oldRing, sealed).message).toContain(`key id '${keyId}'`);
    },
  );
});

describe('assertKeyRing', () => {
  const key = new Uint8Array(randomBytes(32));

  it('accepts a well-formed ring', () => {
    expect(() => assertKeyRing({ currentKeyId: 'k_1-a', keys: { 'k_1-a': key, k0: key } })).not.toThrow();
  });

  it.each([
    ['a short key', { currentKeyId: 'k1', keys: { k1: key.subarray(0, 31) } }, /'k1'.*32 bytes/],
    ['a long key', { currentKeyId: 'k1', keys: { k1: new Uint8Array(33) } }, /'k1'.*32 bytes/],
    ['a key given as text', { currentKeyId: 'k1', keys: { k1: 'x'.repeat(32) as unknown as Uint8Array } }, /32 bytes/],
    ['a current id naming no key', { currentKeyId: 'k2', keys: { k1: key } }, /current key id/],
    ['an inherited current id', { currentKeyId: 'constructor', keys: { k1: key } }, /current key id/],
    ['a key id with a dot', { currentKeyId: 'k.1', keys: { 'k.1': key } }, /Key ids/],
    ['an empty key id', { currentKeyId: '', keys: { '': key } }, /Key ids/],
    ['a key id of 65 characters', { currentKeyId: 'k', keys: { k: key, ['a'.repeat(65)]: key } }, /Key ids/],
  ])('refuses %s, without echoing key bytes', (_name, ring, message) => {
    const error = thrown(() => assertKeyRing(ring));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(Buffer.from(key).toString('base64'));
    expect(error.message).not.toContain(Buffer.from(key).toString('hex'));
  });

  it('is checked by sealSecret and openSecret', () => {
    const broken = { currentKeyId: 'k1', keys: { k1: new Uint8Array(16) } };
    expect(() => sealSecret(broken, plaintext, context)).toThrow(TypeError);
    expect(() => openSecret(broken, 'v1.k1.AAAA.AAAA.AAAA', context)).toThrow(TypeError);
  });
});

describe('keyRingFromBase64', () => {
  const key = randomBytes(32);

  it('builds a one-key ring, ignoring surrounding whitespace', () => {
    const ring = keyRingFromBase64(`${key.toString('base64')}\n`, '2026-01');
    expect(ring.currentKeyId).toBe('2026-01');
    expect(Buffer.from(ring.keys['2026-01'] ?? []).equals(key)).toBe(true);
    expect(openSecret(ring, sealSecret(ring, plaintext, context), context)).toBe(plaintext);
  });

  it("names its key 'k1' by default", () => {
    expect(Object.keys(keyRingFromBase64(key.toString('base64')).keys)).toEqual(['k1']);
  });

  it.each([
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['hex', key.toString('hex')],
    ['base64url', key.toString('base64url')],
    ['the empty string', ''],
  ])('refuses %s without echoing the input', (_name, text) => {
    const error = thrown(() => keyRingFromBase64(text));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/exactly 32 bytes/);
    if (text !== '') expect(error.message).not.toContain(text);
  });

  it('refuses an unsafe key id', () => {
    expect(() => keyRingFromBase64(key.toString('base64'), 'k.1')).toThrow(TypeError);
  });
});

describe('generateKeyRing', () => {
  it('makes a valid ring with a fresh 32-byte key', () => {
    const a = generateKeyRing();
    const b = generateKeyRing('dev');
    expect(() => assertKeyRing(a)).not.toThrow();
    expect(a.keys.k1?.length).toBe(32);
    expect(b.currentKeyId).toBe('dev');
    expect(Buffer.from(a.keys.k1 ?? []).equals(Buffer.from(b.keys.dev ?? []))).toBe(false);
  });
});

describe('sealedKeyId', () => {
  it('reads the sealing key id from the clear header, and refuses anything else', () => {
    const ring = generateKeyRing('2026-01');
    expect(sealedKeyId(sealSecret(ring, 'x', { recordId: 'GW-1', purpose: 'secret' }))).toBe('2026-01');
    expect(sealedKeyId('v2.k1.a.b.c')).toBeNull();
    expect(sealedKeyId('v1.bad id.a.b.c')).toBeNull();
    expect(sealedKeyId('')).toBeNull();
  });
});

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiKeyPattern, generateApiKey, hashApiKey, parseApiKey } from '../../src/keys/api-key';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('generateApiKey', () => {
  it('makes gk_ + 43 base62 characters + a 6-character checksum', () => {
    const { key } = generateApiKey();
    expect(key).toMatch(/^gk_[0-9A-Za-z]{49}$/);
    expect(key).toHaveLength(52);
  });

  it('returns the hex SHA-256 of the key and a 10-character display prefix', () => {
    const { key, hash, prefix } = generateApiKey();
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(prefix).toBe(key.slice(0, 10));
    expect(prefix.startsWith('gk_')).toBe(true);
  });

  it('makes 1,000 keys that all parse and are all distinct', () => {
    const generated = Array.from({ length: 1000 }, generateApiKey);
    expect(generated.every(({ key }) => parseApiKey(key) === key)).toBe(true);
    expect(new Set(generated.map(({ key }) => key)).size).toBe(1000);
    expect(new Set(generated.map(({ hash }) => hash)).size).toBe(1000);
  });
});

describe('parseApiKey', () => {
  const { key } = generateApiKey();
  const replaceAt = (index: number, char: string) => key.slice(0, index) + char + key.slice(index + 1);
  const other = (char: string | undefined) => (char === 'a' ? 'b' : 'a');
  const swapAt = [...key].findIndex((char, i) => i >= 3 && char !== key[i + 1]);

  it('accepts a generated key', () => {
    expect(parseApiKey(key)).toBe(key);
  });

  it.each([
    ['the empty string', ''],
    ['the prefix alone', 'gk_'],
    ['one character short', key.slice(0, -1)],
    ['one character long', `${key}a`],
    ['surrounding spaces', ` ${key} `],
    ['a trailing newline', `${key}\n`],
    ['an upper-case prefix', `GK_${key.slice(3)}`],
    ['another prefix', `sk_${key.slice(3)}`],
    ['a dash for the underscore', `gk-${key.slice(3)}`],
    ['a dash in the body', replaceAt(20, '-')],
    ['a plus in the body', replaceAt(20, '+')],
    ['a space in the body', replaceAt(20, ' ')],
    ['a non-ASCII letter', replaceAt(20, 'é')],
    ['a flipped random character', replaceAt(20, other(key[20]))],
    ['a flipped first checksum character', replaceAt(46, other(key[46]))],
    ['a flipped last checksum character', replaceAt(51, other(key[51]))],
    ['swapped neighbours', key.slice(0, swapAt) + key[swapAt + 1] + key[swapAt] + key.slice(swapAt + 2)],
    ["the original router's format", `gk_${'0123456789abcdef'.repeat(2)}01234567`],
  ])('refuses %s', (_name, input) => {
    expect(input === key).toBe(false);
    expect(parseApiKey(input)).toBeNull();
  });

  it('refuses every single-character substitution', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: key.length - 1 }),
        fc.constantFrom(...base62),
        (index, char) => {
          fc.pre(key[index] !== char);
          expect(parseApiKey(replaceAt(index, char))).toBeNull();
        },
      ),
    );
  });
});

describe('hashApiKey', () => {
  it('is the hex SHA-256 of the text', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is deterministic, so keys can be looked up by hash', () => {
    const { key, hash } = generateApiKey();
    expect(hashApiKey(key)).toBe(hash);
  });
});

describe('apiKeyPattern', () => {
  it('finds a key inside longer text', () => {
    const { key } = generateApiKey();
    expect(`POST /api/gateway/webhook/${key}?x=1`.match(apiKeyPattern)?.[0]).toBe(key);
  });
});

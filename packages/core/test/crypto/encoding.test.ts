import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Url, decodeHex } from '../../src/crypto/encoding';

const bytes = (decoded: Buffer | null) => (decoded === null ? null : [...decoded]);

describe('decodeBase64', () => {
  it.each([
    ['', []],
    ['aGk=', [0x68, 0x69]],
    ['aGlp', [0x68, 0x69, 0x69]],
    ['aA==', [0x68]],
    ['+/8=', [0xfb, 0xff]],
  ])('decodes %j', (text, expected) => {
    expect(bytes(decodeBase64(text))).toEqual(expected);
  });

  it.each(['aGk', 'aA=', 'aA===', '-_8=', 'aG k=', 'aGk=\n', 'a=Gk', '@@@@', 'aGk=aGk='])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeNull();
  });
});

describe('decodeBase64Url', () => {
  it.each([
    ['', []],
    ['aGk', [0x68, 0x69]],
    ['-_8', [0xfb, 0xff]],
  ])('decodes %j', (text, expected) => {
    expect(bytes(decodeBase64Url(text))).toEqual(expected);
  });

  it.each(['aGk=', '+/8', 'a', 'aGk.', 'a b'])('refuses %j', (text) => {
    expect(decodeBase64Url(text)).toBeNull();
  });
});

describe('decodeHex', () => {
  it.each([
    ['', []],
    ['00ff', [0x00, 0xff]],
    ['ABcd', [0xab, 0xcd]],
  ])('decodes %j', (text, expected) => {
    expect(bytes(decodeHex(text))).toEqual(expected);
  });

  it.each(['0', '0g', 'zz', '00 ff', '0x00', '00ff\n'])('refuses %j', (text) => {
    expect(decodeHex(text)).toBeNull();
  });
});

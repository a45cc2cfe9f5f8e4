import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpAddress } from '../../src/egress/ip-address';
import { parseCidr } from '../../src/egress/ip-range';

describe('parseIpAddress', () => {
  it.each([
    ['0.0.0.0', 4, 0n],
    ['127.0.0.1', 4, 0x7f000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['FE80::1', 6, 0xfe80n << 112n | 1n],
    ['fd00:ec2::254', 6, 0xfd000ec2n << 96n | 0x254n],
    ['::ffff:127.0.0.1', 6, 0xffff7f000001n],
    ['::FFFF:7f00:1', 6, 0xffff7f000001n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x00010002000300040005000601020304n],
    ['1::8', 6, 1n << 112n | 8n],
    ['1:2:3:4:5:6:7::', 6, 0x00010002000300040005000600070000n],
  ])('reads %s', (text, version, value) => {
    expect(parseIpAddress(text)).toEqual({ version, value });
  });

  it.each([
    // Shorthand IPv4 that inet_aton and URL parsers accept: refused, never guessed.
    '127.1', '2130706433', '0x7f.0.0.1', '0177.0.0.1', '010.0.0.1', '1.2.3.4.5', '256.0.0.1', '1.2.3.', ' 1.2.3.4',
    // IPv6 that is malformed or carries a zone id.
    '', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8::', '12345::', 'g::1',
    '1.2.3.4::', '::1.2.3', '::ffff:1.2.3.256', 'fe80::1%eth0', '[::1]', 'localhost',
  ])('refuses %j', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });

  it('agrees with node:net isIP on text without a zone id', () => {
    const candidate = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'), maxLength: 24 }),
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        expect(parseIpAddress(text)?.version ?? 0).toBe(isIP(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every IPv4 address it formats', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffn }), (value) => {
        expect(parseIpAddress(formatIpv4(value))).toEqual({ version: 4, value });
      }),
    );
  });
});

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', { version: 4, prefixLength: 8, network: 0x0a000000n, mask: 0xff000000n }],
    ['0.0.0.0/0', { version: 4, prefixLength: 0, network: 0n, mask: 0n }],
    ['10.0.0.5', { version: 4, prefixLength: 32, network: 0x0a000005n, mask: 0xffffffffn }],
    ['fc00::/7', { version: 6, prefixLength: 7, network: 0xfcn << 120n, mask: 0xfen << 120n }],
    ['::1', { version: 6, prefixLength: 128, network: 1n, mask: (1n << 128n) - 1n }],
  ])('reads %s', (text, range) => {
    expect(parseCidr(text)).toEqual(range);
  });

  it.each([
    ['10.0.0/8', TypeError],
    ['10.0.0.0/', TypeError],
    ['10.0.0.0/08', TypeError],
    ['10.0.0.0/8/8', TypeError],
    ['10.0.0.0/-1', TypeError],
    ['fe80::1%eth0/64', TypeError],
    ['intranet/24', TypeError],
    ['', TypeError],
    ['10.0.0.0/33', RangeError],
    ['fd00::/129', RangeError],
    ['10.1.2.3/16', RangeError],
    ['fd12::1/16', RangeError],
  ])('refuses %j with a %o naming it', (text, type) => {
    expect(() => parseCidr(text)).toThrow(type);
    expect(() => parseCidr(text)).toThrow(`"${text}"`);
  });
});

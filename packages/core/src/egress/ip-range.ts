import { type IpAddress, parseIpAddress } from './ip-address';

/** A CIDR range: the addresses of one IP version whose first `prefixLength` bits equal `network`'s. */
export interface IpRange {
  version: 4 | 6;
  prefixLength: number;
  network: bigint;
  /** `prefixLength` one bits, then zeros: `address & mask === network` tests membership. */
  mask: bigint;
}

const PREFIX_LENGTH = /^(?:0|[1-9]\d{0,2})$/;

/**
 * Reads CIDR text such as `10.0.0.0/8` or `fd00::/8`; a bare address is a range of one.
 * Written for operator configuration, so mistakes are refused with the text in the message:
 * a `TypeError` when the text is not an address and prefix, a `RangeError` when the prefix is
 * too long or bits are set past it (`10.1.2.3/16`, which usually means `10.1.0.0/16`).
 *
 * @throws TypeError | RangeError
 * @example
 * ```ts
 * parseCidr('192.168.0.0/16'); // { version: 4, prefixLength: 16, network: 3232235520n, mask: 4294901760n }
 * parseCidr('fd00:ec2::254');  // a single IPv6 address (/128)
 * parseCidr('10.0.0/8');       // throws TypeError: "10.0.0/8" is not a CIDR range ...
 * ```
 */
export function parseCidr(text: string): IpRange {
  const [addressText = '', prefixText, ...extra] = text.split('/');
  const address = parseIpAddress(addressText);
  if (address === undefined || extra.length > 0 || (prefixText !== undefined && !PREFIX_LENGTH.test(prefixText))) {
    throw new TypeError(
      `"${text}" is not a CIDR range: write an IP address and an optional prefix length, as in 10.0.0.0/8 or fd00::/8.`,
    );
  }
  const bits = address.version === 4 ? 32 : 128;
  const prefixLength = prefixText === undefined ? bits : Number(prefixText);
  if (prefixLength > bits) {
    throw new RangeError(`"${text}": an IPv${address.version} prefix length is at most ${bits}.`);
  }
  const mask = ((1n << BigInt(prefixLength)) - 1n) << BigInt(bits - prefixLength);
  if ((address.value & mask) !== address.value) {
    throw new RangeError(`"${text}" has bits set past its /${prefixLength} prefix: write the range's first address.`);
  }
  return { version: address.version, prefixLength, network: address.value, mask };
}

/**
 * True when `address` lies in `range`.
 *
 * @example
 * ```ts
 * rangeContains(parseCidr('10.0.0.0/8'), parseIpAddress('10.1.2.3')!); // true
 * ```
 */
export function rangeContains(range: IpRange, address: IpAddress): boolean {
  return range.version === address.version && (address.value & range.mask) === range.network;
}

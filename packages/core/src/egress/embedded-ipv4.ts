import type { IpAddress } from './ip-address';
import { type IpRange, parseCidr, rangeContains } from './ip-range';

/** An IPv6 form that carries an IPv4 address, and how the policy judges it. */
export interface EmbeddingForm {
  name: string;
  range: IpRange;
  /**
   * The IPv4 address the packets end up at, which the rules then judge. Absent for a form that
   * is always denied.
   */
  embeddedIpv4?: (value: bigint) => bigint;
  /** Why a form without `embeddedIpv4` is always denied. */
  deniedBecause?: string;
}

const low32 = (value: bigint): bigint => value & 0xffffffffn;

/**
 * Judging these by their IPv4 address means no IPv6 rule can open a way around an IPv4 one:
 * `allow 2000::/3` does not allow `2002:7f00:1::` (6to4 towards 127.0.0.1).
 */
const forms: readonly EmbeddingForm[] = [
  // The socket API's way to address IPv4 peers from an IPv6 socket: it *is* IPv4 on the wire.
  { name: 'IPv4-mapped', range: parseCidr('::ffff:0:0/96'), embeddedIpv4: low32 },
  // Deprecated (RFC 4291), yet some stacks still tunnel it over IPv4. `::` and `::1` are excluded below.
  { name: 'IPv4-compatible', range: parseCidr('::/96'), embeddedIpv4: low32 },
  // The well-known NAT64 prefix (RFC 6052): the translator connects to the embedded address.
  { name: 'NAT64', range: parseCidr('64:ff9b::/96'), embeddedIpv4: low32 },
  // 6to4 (RFC 3056): encapsulated towards the IPv4 router in bits 16 to 47.
  { name: '6to4', range: parseCidr('2002::/16'), embeddedIpv4: (value) => low32(value >> 80n) },
  {
    name: 'Teredo',
    range: parseCidr('2001::/32'),
    deniedBecause: 'it tunnels through public relays to an obfuscated IPv4 address',
  },
];

/**
 * The embedding form `address` is written in, if any. `::` and `::1` are left out: they are the
 * IPv6 unspecified and loopback addresses, judged by the rules as such.
 *
 * @example
 * ```ts
 * embeddingFormOf(parseIpAddress('::ffff:127.0.0.1')!)?.name; // 'IPv4-mapped'
 * embeddingFormOf(parseIpAddress('::1')!);                    // undefined
 * ```
 */
export function embeddingFormOf(address: IpAddress): EmbeddingForm | undefined {
  if (address.version === 4 || address.value <= 1n) return undefined;
  return forms.find((form) => rangeContains(form.range, address));
}

/**
 * An IP address as a number: 32 bits for IPv4, 128 for IPv6. Numbers compare and mask in a
 * few operations, where text would need normalising first (`::FFFF:7f00:1` is `::ffff:127.0.0.1`).
 */
export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[\da-f]{1,4}$/i;

/**
 * Reads an address in its canonical notations only: dotted decimal IPv4 without leading zeros,
 * and RFC 4291 IPv6 text (`::` once, an optional dotted IPv4 tail), no zone id. The shorthand
 * that some resolvers take (`127.1`, `0x7f.1`, `2130706433`, `0177.0.0.1`) is refused, not
 * guessed at: such text reaches here only from configuration, where it is a mistake.
 *
 * @returns the address, or `undefined` when `text` is not one.
 * @example
 * ```ts
 * parseIpAddress('10.0.0.1'); // { version: 4, value: 167772161n }
 * parseIpAddress('::1');      // { version: 6, value: 1n }
 * parseIpAddress('127.1');    // undefined
 * ```
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return { version: 4, value: ipv4 };
  const ipv6 = parseIpv6(text);
  return ipv6 === undefined ? undefined : { version: 6, value: ipv6 };
}

/**
 * Dotted decimal text of a 32-bit address, for messages.
 *
 * @example
 * ```ts
 * formatIpv4(0x7f000001n); // '127.0.0.1'
 * ```
 */
export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = parseGroups(halves[0]!, !compressed);
  const tail = compressed ? parseGroups(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one zero group; without it, all eight must be written.
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** The 16-bit groups of one side of `::`; a dotted IPv4 address may end the whole text, as two groups. */
function parseGroups(text: string, endsAddress: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (endsAddress && index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part);
      if (ipv4 === undefined) return undefined;
      groups.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

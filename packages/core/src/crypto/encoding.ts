/*
 * Strict decoders. Buffer.from(text, 'base64' | 'hex') skips characters it does not know and
 * stops at the first bad pair, so malformed input would decode to *something*; these check the
 * text first and return null instead.
 */

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64UrlPattern = /^[A-Za-z0-9_-]*$/;
const hexPattern = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Decodes padded standard base64 (RFC 4648 §4), or returns null when `text` is not exactly that.
 *
 * @example
 * ```ts
 * decodeBase64('aGk='); // <Buffer 68 69>
 * decodeBase64('aGk');  // null (padding missing)
 * ```
 */
export function decodeBase64(text: string): Buffer | null {
  return base64Pattern.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * Decodes unpadded base64url (RFC 4648 §5), or returns null when `text` is not exactly that.
 *
 * @example
 * ```ts
 * decodeBase64Url('aGk'); // <Buffer 68 69>
 * decodeBase64Url('a+k'); // null
 * ```
 */
export function decodeBase64Url(text: string): Buffer | null {
  return base64UrlPattern.test(text) && text.length % 4 !== 1 ? Buffer.from(text, 'base64url') : null;
}

/**
 * Decodes hexadecimal of either case, or returns null when `text` is not an even run of hex digits.
 *
 * @example
 * ```ts
 * decodeHex('00ff'); // <Buffer 00 ff>
 * decodeHex('0g');   // null
 * ```
 */
export function decodeHex(text: string): Buffer | null {
  return hexPattern.test(text) ? Buffer.from(text, 'hex') : null;
}

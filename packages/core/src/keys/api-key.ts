import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { encodeBase62 } from './base62';

declare const apiKeyBrand: unique symbol;

/**
 * A string known to have the shape and checksum of a Portico API key (it may still be unknown
 * to storage). Made by {@link generateApiKey} or {@link parseApiKey}.
 *
 * @example
 * ```ts
 * const key: ApiKey | null = parseApiKey(request.params.key);
 * ```
 */
export type ApiKey = string & { readonly [apiKeyBrand]: true };

/**
 * What {@link generateApiKey} returns.
 *
 * @example
 * ```ts
 * const { key, hash, prefix }: GeneratedApiKey = generateApiKey();
 * ```
 */
export interface GeneratedApiKey {
  /** The key itself: show it once, never store or log it. */
  key: ApiKey;
  /** Hex SHA-256 of the key: what storage keeps and indexes. */
  hash: string;
  /** The first characters of the key, safe to display so people can tell their keys apart. */
  prefix: string;
}

/** The original's prefix; it also makes a leaked key easy to recognise and scan for. */
const PREFIX = 'gk_';
const RANDOM_BYTES = 32;
/* 62^43 > 2^256 > 62^42: 43 characters hold any 32 bytes. */
const RANDOM_CHARS = 43;
/* 62^6 > 2^32: 6 characters hold any CRC32. */
const CHECKSUM_CHARS = 6;
const DISPLAY_PREFIX_CHARS = 10;

/**
 * Matches an API key inside longer text (no anchors, no flags), e.g. for masking or secret
 * scanning. A match may still fail its checksum; {@link parseApiKey} decides.
 *
 * @example
 * ```ts
 * const masked = text.replace(new RegExp(apiKeyPattern.source, 'g'), '***');
 * ```
 */
export const apiKeyPattern = new RegExp(`${PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}`);
const exactPattern = new RegExp(`^${apiKeyPattern.source}$`);

const checksum = (text: string) => encodeBase62(BigInt(crc32(text)), CHECKSUM_CHARS);

/**
 * Hex SHA-256 of an API key, the form storage keeps and looks keys up by. No salt or slow hash
 * is needed: the key holds 256 random bits, beyond any guessing, and the hash must be
 * deterministic so that it can be indexed.
 *
 * @example
 * ```ts
 * const integration = await storage.findByKeyHash(hashApiKey(key));
 * ```
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * A new API key: `gk_`, 32 random bytes in base62 (43 characters), and a base62 CRC32 of what
 * precedes it (6 characters); 52 characters in all.
 *
 * @example
 * ```ts
 * const { key, hash, prefix } = generateApiKey();
 * // key: 'gk_4Vq9…' (52 characters), returned to the caller once; hash and prefix are stored
 * ```
 */
export function generateApiKey(): GeneratedApiKey {
  const random = BigInt(`0x${randomBytes(RANDOM_BYTES).toString('hex')}`);
  const body = PREFIX + encodeBase62(random, RANDOM_CHARS);
  const key = (body + checksum(body)) as ApiKey;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, DISPLAY_PREFIX_CHARS) };
}

/**
 * Checks that `input` has the shape of an API key and a valid checksum, so typos and garbage
 * are refused without a storage lookup.
 *
 * @returns the key, branded, or null when it is malformed.
 * @example
 * ```ts
 * const key = parseApiKey(request.params.key);
 * if (key === null) throw new PorticoError('INVALID_API_KEY', 'Invalid API key.');
 * ```
 */
export function parseApiKey(input: string): ApiKey | null {
  if (!exactPattern.test(input)) return null;
  const split = input.length - CHECKSUM_CHARS;
  return checksum(input.slice(0, split)) === input.slice(split) ? (input as ApiKey) : null;
}

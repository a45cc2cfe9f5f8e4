import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PorticoError } from '../errors';
import { decodeBase64, decodeBase64Url } from './encoding';
import { pooledRandomBytes } from './random-pool';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
/* Key ids travel inside sealed values, between dots, and may appear in error messages. */
const keyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The operator's encryption keys for secrets that must be recoverable. Rotate by adding a key
 * and moving `currentKeyId` to it: values sealed under the retired key still open while it
 * stays in `keys`.
 *
 * @example
 * ```ts
 * const ring: KeyRing = {
 *   currentKeyId: '2026-01',
 *   keys: { '2025-06': oldKeyBytes, '2026-01': newKeyBytes },
 * };
 * ```
 */
export interface KeyRing {
  /** The key new values are sealed with; must name one of `keys`. */
  currentKeyId: string;
  /** Every key that may still open a stored value, by id (1 to 64 of `A-Za-z0-9_-`): 32 bytes each. */
  keys: Record<string, Uint8Array>;
}

/**
 * What a sealed value belongs to. Both are bound into the ciphertext, so a value opens only for
 * the record and purpose it was sealed for: an integration's sealed headers cannot stand in for
 * its secret, nor one integration's secret for another's.
 *
 * @example
 * ```ts
 * const context: SealContext = { recordId: 'GW-3F9A0C1B', purpose: 'secret' };
 * ```
 */
export interface SealContext {
  /** The id of the record holding the value, e.g. an integration id. */
  recordId: string;
  /** Which field of the record it is, e.g. `secret` or `headers`. */
  purpose: string;
}

/**
 * Checks a key ring's shape, so a misconfigured gateway fails at start rather than at the first
 * secret. Messages name key ids, never key bytes.
 *
 * @throws TypeError when a key id is not 1 to 64 of `A-Za-z0-9_-`, a key is not 32 bytes, or
 * `currentKeyId` names no key.
 * @example
 * ```ts
 * assertKeyRing(options.keyRing);
 * ```
 */
export function assertKeyRing(ring: KeyRing): void {
  for (const [keyId, key] of Object.entries(ring.keys)) {
    if (!keyIdPattern.test(keyId)) {
      throw new TypeError('Key ids of the key ring must be 1 to 64 letters, digits, "_" or "-".');
    }
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
      throw new TypeError(`Key '${keyId}' of the key ring must be ${KEY_BYTES} bytes.`);
    }
  }
  if (!Object.hasOwn(ring.keys, ring.currentKeyId)) {
    throw new TypeError('The current key id of the key ring names none of its keys.');
  }
}

/**
 * A one-key ring from the base64 of 32 bytes, as `openssl rand -base64 32` prints it
 * (surrounding whitespace, such as a trailing newline, is ignored).
 *
 * @throws TypeError when `base64` is not padded base64 of exactly 32 bytes, or `keyId` is not
 * 1 to 64 of `A-Za-z0-9_-`.
 * @example
 * ```ts
 * const keyRing = keyRingFromBase64(process.env.PORTICO_SECRET_KEY ?? '', '2026-01');
 * ```
 */
export function keyRingFromBase64(base64: string, keyId = 'k1'): KeyRing {
  const key = decodeBase64(base64.trim());
  if (key === null || key.length !== KEY_BYTES) {
    throw new TypeError(
      `The secret key must be the base64 of exactly ${KEY_BYTES} bytes (see \`openssl rand -base64 32\`).`,
    );
  }
  const ring = { currentKeyId: keyId, keys: { [keyId]: new Uint8Array(key) } };
  assertKeyRing(ring);
  return ring;
}

/**
 * A ring holding one fresh random key; for tests and development, since its key is lost when
 * the process ends, and with it every secret sealed under it.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ keyRing: generateKeyRing() });
 * ```
 */
export function generateKeyRing(keyId = 'k1'): KeyRing {
  const ring = { currentKeyId: keyId, keys: { [keyId]: new Uint8Array(randomBytes(KEY_BYTES)) } };
  assertKeyRing(ring);
  return ring;
}

/* JSON keeps the fields apart whatever characters they hold. */
const associatedData = (keyId: string, { recordId, purpose }: SealContext) =>
  Buffer.from(JSON.stringify(['portico-sealed-secret', VERSION, keyId, recordId, purpose]));

const unreadable = (cause?: unknown) =>
  new PorticoError(
    'INTERNAL',
    'A stored secret could not be opened: it is damaged, or belongs to another record or field.',
    { cause },
  );

/* Own properties only, so that an id such as `constructor` cannot reach Object.prototype. */
function keyOf(ring: KeyRing, keyId: string): Uint8Array {
  const key = Object.hasOwn(ring.keys, keyId) ? ring.keys[keyId] : undefined;
  if (key === undefined) {
    throw new PorticoError(
      'INTERNAL',
      `A stored secret was sealed with key id '${keyId}', which the key ring does not hold.`,
    );
  }
  return key;
}

/**
 * Encrypts `plaintext` with AES-256-GCM under the ring's current key, bound to `context`. The
 * result, `v1.<keyId>.<iv>.<ciphertext>.<tag>` (parts in base64url), is safe to store as text.
 *
 * @throws TypeError when the key ring is malformed (see {@link assertKeyRing}).
 * @example
 * ```ts
 * const sealed = sealSecret(ring, 'whsec_...', { recordId: 'GW-3F9A0C1B', purpose: 'secret' });
 * // 'v1.k1.<iv>.<ciphertext>.<tag>'
 * ```
 */
export function sealSecret(ring: KeyRing, plaintext: string, context: SealContext): string {
  return sealBytes(ring, Buffer.from(plaintext, 'utf8'), context);
}

/**
 * {@link sealSecret} for bytes that need not be text, such as a webhook's raw body.
 *
 * @example
 * ```ts
 * const sealed = sealBytes(ring, rawBody, { recordId: 'evt_1', purpose: 'inbox' });
 * ```
 */
export function sealBytes(ring: KeyRing, plaintext: Uint8Array, context: SealContext): string {
  assertKeyRing(ring);
  const keyId = ring.currentKeyId;
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(ring, keyId), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return [VERSION, keyId, ...parts].join('.');
}

/**
 * The id of the key a value made by {@link sealSecret} was sealed with, read from its clear
 * header without opening it; null when the value is not in that format.
 *
 * @example
 * ```ts
 * if (sealedKeyId(record.sealedSecret) !== ring.currentKeyId) reseal(record);
 * ```
 */
export function sealedKeyId(sealed: string): string | null {
  const [version, keyId = ''] = sealed.split('.', 2);
  return version === VERSION && keyIdPattern.test(keyId) ? keyId : null;
}

/**
 * Decrypts a value made by {@link sealSecret} with whichever key of the ring it names, so values
 * sealed before a rotation still open.
 *
 * @throws TypeError when the key ring is malformed (see {@link assertKeyRing}).
 * @throws PorticoError `INTERNAL` when the ring lacks the named key, or the value is malformed,
 * tampered with, or sealed for another context. The message never holds the plaintext.
 * @example
 * ```ts
 * const secret = openSecret(ring, record.sealedSecret, { recordId: record.id, purpose: 'secret' });
 * ```
 */
export function openSecret(ring: KeyRing, sealed: string, context: SealContext): string {
  return openBytes(ring, sealed, context).toString('utf8');
}

/**
 * Opens a value made by {@link sealBytes} (or {@link sealSecret}) as bytes.
 *
 * @throws PorticoError `INTERNAL`, as {@link openSecret}.
 * @example
 * ```ts
 * const rawBody = openBytes(ring, event.sealedRequest, { recordId: event.id, purpose: 'inbox' });
 * ```
 */
export function openBytes(ring: KeyRing, sealed: string, context: SealContext): Buffer {
  assertKeyRing(ring);
  const [version, keyId = '', ivText = '', ciphertextText = '', tagText = '', ...rest] = sealed.split('.');
  if (version !== VERSION || !keyIdPattern.test(keyId) || rest.length > 0) throw unreadable();
  const key = keyOf(ring, keyId);
  const iv = decodeBase64Url(ivText);
  const ciphertext = decodeBase64Url(ciphertextText);
  const tag = decodeBase64Url(tagText);
  // Node's GCM accepts a shortened tag unless told its length, and a short tag is easier to forge.
  if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || ciphertext === null) throw unreadable();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw unreadable(cause);
  }
}

import { PorticoError } from '../errors';
import { boundedMemo } from './bounded-memo';
import { createTextMasker } from './secrets-in-text';
import { sensitiveKeyMatcher } from './sensitive-key';

/** How {@link mask} masks and bounds a value. Every field is optional. */
export interface MaskOptions {
  /** Written instead of a secret. Default `'***'`. */
  placeholder?: string;
  /**
   * More sensitive names, matched by words like the built-in ones: `['ssn']` also masks
   * `user_ssn`, `['tenantCode']` masks `X-Tenant-Code`.
   */
  extraKeys?: readonly string[];
  /**
   * How many levels of objects and arrays are walked; one nested below them becomes
   * `'[truncated: too deep]'`. Default 10.
   */
  maxDepth?: number;
  /** Longer strings are cut and end with `…[truncated: <length> chars]`; in UTF-16 code units. Default 2,000. */
  maxStringLength?: number;
  /**
   * Approximate budget for the whole output as JSON, in characters. Once spent, the rest of each
   * array becomes `'[truncated: <n> more items]'` and the rest of each object a `'…'` member.
   * Default 65,536.
   */
  maxOutputLength?: number;
}

/** {@link mask} with its options fixed; see {@link createMasker}. */
export type Masker = (value: unknown) => unknown;

const DEFAULTS = { placeholder: '***', maxDepth: 10, maxStringLength: 2_000, maxOutputLength: 65_536 };
/* Text is masked a little past the cut, so a secret straddling it is not left half-shown. */
const LOOKAHEAD_CHARS = 256;
/* Rough JSON cost of what is not a string: `null`, a number, `[]`, `"":`. */
const SCALAR_CHARS = 4;
const CIRCULAR = '[circular]';
const TOO_DEEP = '[truncated: too deep]';
const UNREADABLE = '[unreadable]';
const MORE_KEY = '…';

interface Run {
  budget: number;
  ancestors: Set<object>;
}

interface Compiled {
  maskValue: Masker;
  maskString: (text: string) => string;
}

function integerAtLeast(name: string, value: number, min: number): number {
  if (Number.isInteger(value) && value >= min) return value;
  throw new PorticoError('VALIDATION_FAILED', `Mask option ${name} must be an integer of at least ${min}.`);
}

/* Never cut between the halves of a surrogate pair: that would leave invalid UTF-16. */
function cut(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

function binaryLength(value: object): number | undefined {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
  if (value instanceof Blob) return value.size;
  return undefined;
}

/* Null, booleans and absent values carry no secret, so `has_secret: true` stays readable. */
const mayHoldSecret = (value: unknown) => value !== null && value !== undefined && typeof value !== 'boolean';

function compile(options: MaskOptions): Compiled {
  const placeholder = options.placeholder ?? DEFAULTS.placeholder;
  const maxDepth = integerAtLeast('maxDepth', options.maxDepth ?? DEFAULTS.maxDepth, 0);
  const maxStringLength = integerAtLeast('maxStringLength', options.maxStringLength ?? DEFAULTS.maxStringLength, 1);
  const maxOutputLength = integerAtLeast('maxOutputLength', options.maxOutputLength ?? DEFAULTS.maxOutputLength, 1);
  const isSensitiveKey = sensitiveKeyMatcher(options.extraKeys);
  const maskText = createTextMasker({ isSensitiveKey, placeholder });

  function maskString(text: string): string {
    const head = text.length > maxStringLength + LOOKAHEAD_CHARS ? text.slice(0, maxStringLength + LOOKAHEAD_CHARS) : text;
    const masked = maskText(head);
    if (head === text && masked.length <= maxStringLength) return masked;
    return `${cut(masked, maxStringLength)}…[truncated: ${text.length} chars]`;
  }

  /* Names repeat across payloads; one that held a secret is not remembered, so no secret stays in the cache. */
  const maskName = boundedMemo(maskString, (name, masked) => masked === name);

  function maskItems(items: readonly unknown[], depth: number, run: Run): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      if (run.budget <= 0) {
        out.push(`[truncated: ${items.length - i} more items]`);
        break;
      }
      out.push(walk(items[i], depth + 1, run) ?? null);
    }
    return out;
  }

  function maskRecord(value: object, depth: number, run: Run): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const names = Object.keys(value);
    let done = 0;
    for (const name of names) {
      if (run.budget <= 0) {
        out[MORE_KEY] = `[truncated: ${names.length - done} more keys]`;
        break;
      }
      done++;
      const key = maskName(name);
      run.budget -= key.length + SCALAR_CHARS;
      const item: unknown = Reflect.get(value, name);
      const masked = isSensitiveKey(name) && mayHoldSecret(item) ? placeholder : walk(item, depth + 1, run);
      if (masked === undefined) continue;
      // A plain assignment to `__proto__` would set the prototype instead of a member.
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value: masked, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = masked;
      }
    }
    return out;
  }

  function maskObject(value: object, depth: number, run: Run): unknown {
    if (Array.isArray(value)) return maskItems(value, depth, run);
    if (value instanceof Set) return maskItems(Array.from(value), depth, run);
    if (value instanceof Map) {
      return maskRecord(Object.fromEntries(Array.from(value, ([key, item]) => [String(key), item])), depth, run);
    }
    if (value instanceof Headers || value instanceof URLSearchParams) return maskRecord(Object.fromEntries(value), depth, run);
    if (value instanceof Error) return maskRecord({ ...value, name: value.name, message: value.message }, depth, run);
    return maskRecord(value, depth, run);
  }

  function walk(value: unknown, depth: number, run: Run): unknown {
    switch (typeof value) {
      case 'string': {
        const masked = maskString(value);
        run.budget -= masked.length + 2;
        return masked;
      }
      case 'number':
        run.budget -= SCALAR_CHARS;
        return Number.isFinite(value) ? value : String(value);
      case 'bigint':
        run.budget -= SCALAR_CHARS;
        return value.toString();
      case 'boolean':
        run.budget -= SCALAR_CHARS;
        return value;
      case 'object':
        run.budget -= SCALAR_CHARS;
        if (value === null) return null;
        return walkObject(value, depth, run);
      default:
        return undefined;
    }
  }

  function walkObject(value: object, depth: number, run: Run): unknown {
    if (run.ancestors.has(value)) return CIRCULAR;
    run.ancestors.add(value);
    try {
      const bytes = binaryLength(value);
      if (bytes !== undefined) return `[binary: ${bytes} bytes]`;
      if (value instanceof Date) return value.toJSON();
      if (depth >= maxDepth) return TOO_DEEP;
      // URLs and the host's own types say how they want to be seen, as JSON.stringify asks.
      if ('toJSON' in value && typeof value.toJSON === 'function') return walk(value.toJSON(), depth + 1, run);
      return maskObject(value, depth, run);
    } catch {
      // A getter or proxy that throws: masking must never fail the request it records.
      return UNREADABLE;
    } finally {
      run.ancestors.delete(value);
    }
  }

  return {
    maskValue: (value) => walk(value, 0, { budget: maxOutputLength, ancestors: new Set() }),
    maskString,
  };
}

const defaults = compile({});

/**
 * Compiles {@link MaskOptions} once into a masking function, for hot paths that mask with
 * options of their own. Throws a `VALIDATION_FAILED` {@link PorticoError} on a limit that is
 * not a whole number (`maxDepth` at least 0, the others at least 1).
 *
 * @example
 * ```ts
 * const maskPayload = createMasker({ extraKeys: ['ssn'], maxOutputLength: 16_384 });
 * maskPayload({ user: 'kim', ssn: '900101-1234567' }); // { user: 'kim', ssn: '***' }
 * ```
 */
export function createMasker(options: MaskOptions = {}): Masker {
  return compile(options).maskValue;
}

/**
 * A masked, bounded, JSON-safe copy of any value, fit for a log. The input is never changed,
 * and no input makes it throw.
 *
 * - Members whose names name a secret ({@link isSensitiveKey}) become the placeholder, whatever
 *   they hold, except null and booleans.
 * - In every string, secrets are masked by shape wherever they stand: Bearer credentials, JWTs,
 *   `gk_` API keys, `whsec_` secrets and other known key formats, card numbers that pass the
 *   Luhn check, passwords in URLs and sensitive `name=value` pairs (`?token=abc&page=2`).
 * - Objects, arrays, Maps, Sets, `Headers` and `URLSearchParams` are walked; Dates and other
 *   values with `toJSON` are shown as that returns; binary data becomes `'[binary: <n> bytes]'`;
 *   bigints become strings; functions, symbols and `undefined` are left out; a reference back
 *   to an enclosing object becomes `'[circular]'`.
 * - Depth, string length and total size are bounded (see {@link MaskOptions}).
 *
 * Each call with `options` compiles them; on a hot path, use {@link createMasker} once instead.
 *
 * @example
 * ```ts
 * mask({
 *   headers: { Authorization: 'Bearer abc', 'Set-Cookie': ['sid=1', 'theme=dark'], Accept: 'application/json' },
 *   callback: 'https://bot:hunter2@example.com/hook?token=abc&page=2',
 *   note: 'card 4111 1111 1111 1111',
 * });
 * // {
 * //   headers: { Authorization: '***', 'Set-Cookie': '***', Accept: 'application/json' },
 * //   callback: 'https://bot:***@example.com/hook?token=***&page=2',
 * //   note: 'card ***',
 * // }
 * ```
 */
export function mask(value: unknown, options?: MaskOptions): unknown {
  return (options === undefined ? defaults : compile(options)).maskValue(value);
}

/**
 * {@link mask} for one string: secrets masked by shape and by `name=value`, then cut to
 * `maxStringLength`.
 *
 * @example
 * ```ts
 * maskText('retrying with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln'); // 'retrying with Bearer ***'
 * ```
 */
export function maskText(text: string, options?: MaskOptions): string {
  return (options === undefined ? defaults : compile(options)).maskString(text);
}

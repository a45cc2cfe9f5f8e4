import { boundedMemo } from './bounded-memo';

/*
 * A name is sensitive when one of its words names a secret. Whole words, never substrings:
 * the original router's regex masked `monkey`, `keyboard`, `turkey`, `tokens_used` and `author`.
 *
 * - SECRET_NOUNS name a secret wherever they stand (`client_secret`, `password_hash`), also as
 *   the end of a word run together without separators (`accesstoken`, `dbpassword`): nothing
 *   innocent ends with them. `tokens` is not one: `tokens_used` and `max_tokens` are counts.
 * - SECRET_WORDS are secrets wherever they stand too, but only as whole words: `otp_code`, yet
 *   not `spin` or `shotp`.
 * - HEAD_WORDS name a secret only as the last word, the noun a compound name is about: `api_key`,
 *   `x-api-key`, `basic_auth`, `webhook-signature` are secrets; `key_id`, `api_key_prefix`,
 *   `auth_type` and `signature_scheme` describe one. Trailing numbers are skipped, so
 *   `x-hub-signature-256` ends in `signature`.
 * - `key` is ambiguous: besides secrets it names identifiers. Unknown kinds fail closed
 *   (`stripe_key` is masked); the identifier kinds in NON_SECRET_KEY_KINDS do not
 *   (`public_key`, `primary_key`, `idempotency_key`, `jira_key`, `issue_key`).
 */
const SECRET_NOUNS = /(?:token|secrets?|passwords?|passwd|passphrase|credentials?|authorization|cookies?)$/;
const SECRET_WORDS = new Set(['pwd', 'passcode', 'otp', 'pin', 'cvv', 'cvc', 'apikey', 'privatekey', 'secretkey']);
const HEAD_WORDS = new Set(['key', 'auth', 'pass', 'session', 'signature', 'sig']);
const NON_SECRET_KEY_KINDS = new Set([
  'public', 'primary', 'foreign', 'partition', 'sort', 'cache', 'idempotency', 'issue', 'project', 'jira',
]);

/* Runs of upper case (an acronym), capitalised or lower-case words, other letters, digits. */
const WORD = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lo}+|\p{Nd}+/gu;
const NUMBER = /^\p{Nd}+$/u;

/**
 * Splits a field or header name into lower-case words, on punctuation and camelCase.
 *
 * @example
 * ```ts
 * keyWords('x-api-key');    // ['x', 'api', 'key']
 * keyWords('APIKey');       // ['api', 'key']
 * keyWords('clientSecret'); // ['client', 'secret']
 * ```
 */
export function keyWords(name: string): string[] {
  return Array.from(name.matchAll(WORD), (match) => match[0].toLowerCase());
}

function namesSecret(words: readonly string[]): boolean {
  if (words.some((word) => SECRET_NOUNS.test(word) || SECRET_WORDS.has(word))) return true;
  let head = words.length - 1;
  while (head >= 0 && NUMBER.test(words[head] ?? '')) head--;
  const word = words[head];
  if (word === undefined || !HEAD_WORDS.has(word)) return false;
  return word !== 'key' || !NON_SECRET_KEY_KINDS.has(words[head - 1] ?? '');
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  for (let start = 0; start + run.length <= words.length; start++) {
    if (run.every((word, i) => words[start + i] === word)) return true;
  }
  return false;
}

/**
 * True when a field, header or query parameter name names a secret. The name is split into
 * words on punctuation and camelCase, and judged by whole words: `password`, `secret`, `token`,
 * `credentials`, `authorization`, `cookie` and the like anywhere; `key`, `auth`, `pass`,
 * `session`, `signature` only as the last word, so `api_key` is sensitive but `key_id` and
 * `api_key_prefix` are not; `public_key` and other identifier kinds of key (`jira_key`,
 * `idempotency_key`) are not either. So `password`, `client_secret`, `apiKey`, `x-api-key`,
 * `key`, `Authorization`, `access_token`, `Cookie`, `private_key`, `credentials` are sensitive;
 * `monkey`, `keyboard`, `turkey`, `tokens_used`, `author` are not.
 *
 * @example
 * ```ts
 * isSensitiveKey('X-Api-Key');   // true
 * isSensitiveKey('tokens_used'); // false
 * ```
 */
export const isSensitiveKey: (name: string) => boolean = boundedMemo((name) => namesSecret(keyWords(name)));

/**
 * {@link isSensitiveKey} plus names of the host's own: a name is also sensitive when its words
 * contain the words of an extra name, in order (`ssn` masks `user_ssn`; `tenantCode` masks
 * `X-Tenant-Code`). Make one per configuration: each keeps its own bounded cache.
 *
 * @example
 * ```ts
 * const isSensitive = sensitiveKeyMatcher(['ssn', 'tenantCode']);
 * isSensitive('user_ssn');      // true
 * isSensitive('X-Tenant-Code'); // true
 * isSensitive('password');      // true
 * ```
 */
export function sensitiveKeyMatcher(extraKeys: readonly string[] = []): (name: string) => boolean {
  const runs = extraKeys.map(keyWords).filter((run) => run.length > 0);
  if (runs.length === 0) return isSensitiveKey;
  return boundedMemo((name) => {
    const words = keyWords(name);
    return namesSecret(words) || runs.some((run) => containsRun(words, run));
  });
}

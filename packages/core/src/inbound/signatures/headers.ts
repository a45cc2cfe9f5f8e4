import type { SignatureHeaders } from './types';

/**
 * A header that holds one value; when sent more than once, the first counts (the signature
 * covers whichever value is used). Empty counts as absent.
 *
 * @example
 * ```ts
 * singleHeader({ 'webhook-id': ['msg_1', 'msg_2'] }, 'webhook-id'); // 'msg_1'
 * ```
 */
export function singleHeader(headers: SignatureHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === '' ? undefined : first;
}

/**
 * A header that holds a space-separated list; when sent more than once, the lists are joined.
 * Empty counts as absent.
 *
 * @example
 * ```ts
 * listHeader({ 'webhook-signature': ['v1,a=', 'v1,b='] }, 'webhook-signature'); // 'v1,a= v1,b='
 * ```
 */
export function listHeader(headers: SignatureHeaders, name: string): string | undefined {
  const value = headers[name];
  const joined = Array.isArray(value) ? value.join(' ') : value;
  return joined === '' ? undefined : joined;
}

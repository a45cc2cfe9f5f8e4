import { z } from 'zod';
import {
  integrationStatuses,
  integrationTypes,
  integrationTypeLabels,
  logDirections,
  logStatuses,
  signatureSchemes,
} from '../model';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Control characters other than tab would let a value smuggle extra header lines.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// Portico sets these itself; a custom value would break framing or forge a signature.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

// `new URL` drops an empty user info (`http://@host/`), so look at the text as written.
function authorityOf(text: string): string {
  const start = text.indexOf('//');
  if (start < 0) return '';
  const rest = text.slice(start + 2);
  const end = rest.search(/[/?#\\]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * An integration's display name: 1 to 200 characters, trimmed.
 *
 * @example
 * ```ts
 * nameSchema.parse('  Zabbix  '); // 'Zabbix'
 * ```
 */
export const nameSchema = z.string().trim().min(1).max(200);

/**
 * One of the integration types.
 *
 * @example
 * ```ts
 * integrationTypeSchema.parse('MONITORING');
 * ```
 */
export const integrationTypeSchema = z.enum(integrationTypes as [keyof typeof integrationTypeLabels, ...(keyof typeof integrationTypeLabels)[]], {
  error: `Unknown integration type; allowed: ${integrationTypes.join(', ')}`,
});

/**
 * `ACTIVE`, `INACTIVE` or `TEST`.
 *
 * @example
 * ```ts
 * integrationStatusSchema.parse('TEST');
 * ```
 */
export const integrationStatusSchema = z.enum(integrationStatuses);

/**
 * `standard`, `github` or `legacy`.
 *
 * @example
 * ```ts
 * signatureSchemeSchema.parse('standard');
 * ```
 */
export const signatureSchemeSchema = z.enum(signatureSchemes);

/**
 * A free-text description, up to 2,000 characters.
 *
 * @example
 * ```ts
 * descriptionSchema.parse('Alerts from the monitoring cluster');
 * ```
 */
export const descriptionSchema = z.string().max(2000);

/**
 * An outbound endpoint: an absolute `http` or `https` URL without user info or fragment,
 * up to 2,048 characters. Where it may connect is decided later by the egress policy.
 *
 * @example
 * ```ts
 * endpointUrlSchema.parse('https://alerts.corp.example/hooks/portico');
 * ```
 */
export const endpointUrlSchema = z
  .string()
  .max(2048)
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Must be an absolute URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'Only http and https URLs are allowed' });
    }
    if (url.username || url.password || authorityOf(text).includes('@')) {
      ctx.addIssue({ code: 'custom', message: 'User info in the URL is not allowed; use headers' });
    }
    if (text.includes('#')) {
      ctx.addIssue({ code: 'custom', message: 'Fragments are not allowed' });
    }
  });

/**
 * A webhook signing secret: `whsec_<base64>` for Standard Webhooks, or any text of
 * 16 to 512 characters for the `github` and `legacy` schemes.
 *
 * @example
 * ```ts
 * secretSchema.parse('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 * ```
 */
export const secretSchema = z.string().min(16, 'Must be at least 16 characters').max(512);

/**
 * Custom outbound headers: at most 50, RFC 9110 names, no control characters in values, and
 * none of the headers Portico sets itself.
 *
 * @example
 * ```ts
 * headersSchema.parse({ Authorization: 'Bearer abc', 'X-Team': 'ops' });
 * ```
 */
export const headersSchema = z
  .record(
    z
      .string()
      .regex(HEADER_NAME, 'Not a valid header name')
      .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'This header is set by Portico'),
    z.string().max(8192).regex(HEADER_VALUE, 'Header values may not contain control characters'),
  )
  .refine((headers) => Object.keys(headers).length <= 50, 'At most 50 headers');

/**
 * Requests per minute: an integer from 1 to 100,000.
 *
 * @example
 * ```ts
 * rateLimitSchema.parse(120);
 * ```
 */
export const rateLimitSchema = z.int().min(1).max(100_000);

/**
 * `IN`, `OUT` or `SYSTEM`.
 *
 * @example
 * ```ts
 * logDirectionSchema.parse('IN');
 * ```
 */
export const logDirectionSchema = z.enum(logDirections);

/**
 * `OK`, `ERROR` or `RATE_LIMITED`.
 *
 * @example
 * ```ts
 * logStatusSchema.parse('ERROR');
 * ```
 */
export const logStatusSchema = z.enum(logStatuses);

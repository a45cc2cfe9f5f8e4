import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { errorStatus, type PorticoErrorCode } from '../errors';
import type { RouteAccess } from './route';

const codes = Object.keys(errorStatus) as [PorticoErrorCode, ...PorticoErrorCode[]];

/**
 * The RFC 9457 problem document every error answer carries, as `ProblemDetails` in `errors.ts`.
 *
 * @example
 * ```ts
 * problemSchema.parse(new PorticoError('NOT_FOUND', 'No such route.').toProblem());
 * ```
 */
export const problemSchema = z
  .object({
    type: z.string().describe('A URN naming the kind of problem: `urn:portico:error:<code>`.'),
    title: z.string().describe('A short summary of the kind of problem.'),
    status: z.int().min(400).max(599).describe('The HTTP status of the answer.'),
    detail: z.string().describe('What went wrong with this request, for a human.'),
    code: z.enum(codes).describe('A stable code to branch on.'),
    errors: z
      .array(
        z
          .object({
            path: z.string().describe('Dotted path to the field, e.g. `rate_limit` or `headers.Authorization`.'),
            message: z.string(),
          })
          .meta({ id: 'FieldIssue' }),
      )
      .optional()
      .describe('Each failing input field, in answers to invalid requests.'),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document (`application/problem+json`).' });

const isPermission = (access: RouteAccess) => !['public', 'webhook', 'authenticated'].includes(access);

/**
 * What an error status means for a route, by who may call it.
 *
 * @example
 * ```ts
 * problemDescription(403, 'integrations:write'); // 'The caller lacks the `integrations:write` permission.'
 * problemDescription(409, 'webhook');            // 'This `webhook-id` was already received: a replay.'
 * ```
 */
export function problemDescription(status: number, access: RouteAccess): string {
  const webhook = access === 'webhook';
  switch (status) {
    case 400:
      return 'The request is invalid; `errors` lists each failing field.';
    case 401:
      return webhook ? 'The API key is missing, unknown or disabled.' : 'Authentication is required.';
    case 403:
      if (webhook) return 'The signature is missing, stale or does not match.';
      return isPermission(access) ? `The caller lacks the \`${access}\` permission.` : 'Forbidden.';
    case 404:
      return 'Not found.';
    case 409:
      return webhook ? 'This `webhook-id` was already received: a replay.' : 'A concurrent change came first: read again and retry.';
    case 413:
      return 'The body is larger than the gateway accepts.';
    case 429:
      return 'Too many requests: wait `Retry-After` seconds.';
    default:
      return `${STATUS_CODES[status] ?? 'Error'}.`;
  }
}

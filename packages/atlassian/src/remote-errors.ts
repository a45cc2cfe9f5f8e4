import { maskText, PorticoError } from '@portico/core';

/** Which Atlassian product answered. */
export type AtlassianService = 'Jira' | 'Confluence';

/** What {@link AtlassianRemoteError} knows beyond its message. */
export interface AtlassianRemoteErrorOptions {
  service: AtlassianService;
  /** The remote HTTP status; absent when no answer arrived (timeout, refused connection). */
  remoteStatus?: number;
  /** Jira's `errors` map: field id → message, e.g. `{ priority: "Field 'priority' cannot be set…" }`. */
  fieldErrors?: Record<string, string>;
  /** How long the remote asked us to wait (`Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

const MESSAGE_MAX_CHARS = 500;

/**
 * A failed call to Jira or Confluence. It is a `PorticoError` with code `UPSTREAM_UNAVAILABLE`
 * (503), so a route that lets it through answers as the original did; `remoteStatus` keeps what
 * the remote said, for callers that branch on it (e.g. 404 → "no such issue").
 *
 * @example
 * ```ts
 * try {
 *   await jira.getIssue('OPS-1');
 * } catch (error) {
 *   if (error instanceof AtlassianRemoteError && error.remoteStatus === 404) return null;
 *   throw error;
 * }
 * ```
 */
export class AtlassianRemoteError extends PorticoError {
  readonly service: AtlassianService;
  readonly remoteStatus: number | undefined;
  readonly fieldErrors: Readonly<Record<string, string>>;

  constructor(message: string, options: AtlassianRemoteErrorOptions) {
    super('UPSTREAM_UNAVAILABLE', message, { retryAfterMs: options.retryAfterMs, cause: options.cause });
    this.service = options.service;
    this.remoteStatus = options.remoteStatus;
    this.fieldErrors = options.fieldErrors ?? {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/* Jira: { errorMessages: [...], errors: { field: message } }. */
function jiraShape(body: Record<string, unknown>): { messages: string[]; fields: Record<string, string> } | undefined {
  if (!('errorMessages' in body) && !isRecord(body.errors)) return undefined;
  const fields: Record<string, string> = {};
  if (isRecord(body.errors)) {
    for (const [field, message] of Object.entries(body.errors)) if (typeof message === 'string') fields[field] = message;
  }
  const messages = [...strings(body.errorMessages), ...Object.entries(fields).map(([field, message]) => `${field}: ${message}`)];
  return { messages, fields };
}

/* Confluence Cloud v2: { errors: [{ status, code, title, detail }] }; v1 and Data Center: { statusCode, message, reason }. */
function confluenceShape(body: Record<string, unknown>): string[] {
  if (Array.isArray(body.errors)) {
    return body.errors.filter(isRecord).map((error) => [error.title, error.detail].filter((part) => typeof part === 'string' && part !== '').join(': '));
  }
  const message = typeof body.message === 'string' ? body.message : typeof body.reason === 'string' ? body.reason : undefined;
  return message ? [message] : [];
}

/**
 * Turns a remote error answer into an {@link AtlassianRemoteError}: both Jira shapes, both
 * Confluence shapes, and plain text (Atlassian answers 401 as text or HTML). The message is
 * masked and cut, so a token echoed back by a proxy never reaches a log or a caller.
 *
 * @example
 * ```ts
 * const error = remoteError('Jira', 400, '{"errorMessages":[],"errors":{"summary":"You must specify a summary."}}');
 * error.message; // "Jira answered 400: summary: You must specify a summary."
 * error.fieldErrors.summary; // "You must specify a summary."
 * ```
 */
export function remoteError(service: AtlassianService, status: number, bodyText: string, retryAfterMs?: number): AtlassianRemoteError {
  let messages: string[] = [];
  let fieldErrors: Record<string, string> = {};
  try {
    const body: unknown = JSON.parse(bodyText);
    if (isRecord(body)) {
      const jira = jiraShape(body);
      if (jira) ({ messages, fields: fieldErrors } = jira);
      else messages = confluenceShape(body);
    }
  } catch {
    // Not JSON: a proxy page, or the plain-text 401 Atlassian sends.
    if (!/^\s*</.test(bodyText)) messages = [bodyText.trim()];
  }
  const said = messages.filter((message) => message !== '').join('; ') || 'no details';
  const message = maskText(`${service} answered ${status}: ${said}`).slice(0, MESSAGE_MAX_CHARS);
  return new AtlassianRemoteError(message, { service, remoteStatus: status, fieldErrors, retryAfterMs });
}

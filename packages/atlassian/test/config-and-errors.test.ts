import { describe, expect, it } from 'vitest';
import { atlassianConfigFromEnv } from '../src/config-from-env';
import { remoteError } from '../src/remote-errors';
import { parseRetryAfter } from '../src/retry';

describe('remoteError', () => {
  it.each([
    ['Jira errorMessages', 'Jira', 404, '{"errorMessages":["Issue does not exist"],"errors":{}}', 'Jira answered 404: Issue does not exist'],
    ['Jira field errors', 'Jira', 400, '{"errorMessages":[],"errors":{"summary":"required"}}', 'Jira answered 400: summary: required'],
    [
      'Confluence v2 errors array',
      'Confluence',
      409,
      '{"errors":[{"status":409,"code":"CONFLICT","title":"Version conflict","detail":null}]}',
      'Confluence answered 409: Version conflict',
    ],
    ['Confluence v1 message', 'Confluence', 400, '{"statusCode":400,"message":"Bad title","reason":"Bad Request"}', 'Confluence answered 400: Bad title'],
    ['plain-text 401', 'Jira', 401, 'Client must be authenticated', 'Jira answered 401: Client must be authenticated'],
    ['an HTML proxy page', 'Jira', 502, '<html><body>Bad gateway</body></html>', 'Jira answered 502: no details'],
    ['a secret echoed back', 'Jira', 401, 'rejected Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345', 'Jira answered 401: rejected Authorization: Bearer ***'],
  ] as const)('reads %s', (_, service, status, body, message) => {
    const error = remoteError(service, status, body);
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, remoteStatus: status });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3_000],
    ['0', 0],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 10_000],
    ['soon', undefined],
    [undefined, undefined],
  ] as const)('%s → %s ms', (value, expected) => expect(parseRetryAfter(value, 0)).toBe(expected));
});

describe('atlassianConfigFromEnv', () => {
  it('leaves unset products out', () => {
    expect(atlassianConfigFromEnv({})).toEqual({});
  });

  it('configures Cloud with an email and Data Center without one', () => {
    const config = atlassianConfigFromEnv({
      JIRA_BASE_URL: 'https://acme.atlassian.net',
      JIRA_EMAIL: 'bot@acme.com',
      JIRA_TOKEN: 'api-token',
      JIRA_PROJECT_KEY: 'OPS',
      CONFLUENCE_BASE_URL: 'https://confluence.corp',
      CONFLUENCE_TOKEN: 'pat',
      CONFLUENCE_EMAIL: '',
      CONFLUENCE_SPACE_KEY: 'KB',
    });
    expect(config.jira).toMatchObject({ projectKey: 'OPS', client: { deployment: 'cloud' } });
    expect(config.confluence).toMatchObject({ spaceKey: 'KB', client: { deployment: 'cloud' } });
  });

  it('names missing variables, never values', () => {
    expect(() => atlassianConfigFromEnv({ JIRA_BASE_URL: 'https://jira.corp', JIRA_TOKEN: 'sekrit-pat' })).toThrow(
      'Jira is partly configured: set JIRA_PROJECT_KEY.',
    );
    expect(() => atlassianConfigFromEnv({ JIRA_BASE_URL: 'https://jira.corp', JIRA_TOKEN: 'x', JIRA_PROJECT_KEY: 'OPS', JIRA_DEPLOYMENT: 'server' })).toThrow(
      "JIRA_DEPLOYMENT must be 'cloud' or 'datacenter'.",
    );
  });
});

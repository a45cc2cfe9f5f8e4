import { describe, expect, it } from 'vitest';
import { isSensitiveKey, keyWords, sensitiveKeyMatcher } from '../../src/mask/sensitive-key';

describe('keyWords', () => {
  it.each([
    ['x-api-key', ['x', 'api', 'key']],
    ['clientSecret', ['client', 'secret']],
    ['APIKey', ['api', 'key']],
    ['API_KEY', ['api', 'key']],
    ['X-Hub-Signature-256', ['x', 'hub', 'signature', '256']],
    ['oauth2Token', ['oauth', '2', 'token']],
    ['user[password]', ['user', 'password']],
    ['비밀번호', ['비밀번호']],
    ['--', []],
  ])('%s → %j', (name, words) => {
    expect(keyWords(name)).toEqual(words);
  });
});

describe('isSensitiveKey', () => {
  it.each([
    // From the issue: masked.
    'password', 'client_secret', 'apiKey', 'x-api-key', 'key', 'Authorization', 'access_token', 'Cookie', 'private_key', 'credentials',
    // Header spellings and camelCase.
    'Set-Cookie', 'Proxy-Authorization', 'X-Auth-Token', 'APIKey', 'clientSecret', 'PASSWORD', 'X-Hub-Signature-256', 'webhook-signature',
    // Run-together lower case, and words that name a secret anywhere in the name.
    'accesstoken', 'clientsecret', 'dbpassword', 'apikey', 'password_hash', 'refreshToken', 'otp_code', 'pin', 'passwd', 'pwd',
    // Head words, and `key` of a kind not known to be an identifier: fail closed.
    'basic_auth', 'smtp_pass', 'session', 'stripe_key', 'secret_key', 'X-Api-Key-2',
  ])('%s is sensitive', (name) => {
    expect(isSensitiveKey(name)).toBe(true);
  });

  it.each([
    // From the issue: the original's substring regex masked these.
    'monkey', 'keyboard', 'turkey', 'tokens_used', 'author',
    // Names that describe a secret rather than hold one, or name an identifier.
    'key_id', 'keyId', 'public_key', 'primary_key', 'idempotency_key', 'jira_key', 'api_key_prefix', 'signature_scheme', 'auth_type',
    'max_tokens', 'prompt_tokens', 'session_id', 'passenger', 'secretary', 'tokenizer', 'username', 'client_id', 'email', '',
  ])('%s is not sensitive', (name) => {
    expect(isSensitiveKey(name)).toBe(false);
  });

  it('gives the same answer from its cache as on first sight', () => {
    const names = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `field_${i}` : `secret_${i}`));
    const first = names.map(isSensitiveKey);
    expect(names.map(isSensitiveKey)).toEqual(first);
    expect(first.filter(Boolean)).toHaveLength(2500);
  });
});

describe('sensitiveKeyMatcher', () => {
  const isSensitive = sensitiveKeyMatcher(['ssn', 'tenantCode']);

  it.each([
    ['ssn', true],
    ['user_ssn', true],
    ['X-Tenant-Code', true],
    ['tenant_code_value', true],
    ['code_tenant', false],
    ['password', true],
    ['monkey', false],
  ])('%s → %s', (name, expected) => {
    expect(isSensitive(name)).toBe(expected);
  });

  it('is the built-in matcher when no usable extra names are given', () => {
    expect(sensitiveKeyMatcher([])).toBe(isSensitiveKey);
    expect(sensitiveKeyMatcher(['--'])).toBe(isSensitiveKey);
  });
});

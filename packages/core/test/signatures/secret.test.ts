import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, isValidWebhookSecret } from '../../src/inbound/signatures/secret';
import { verifySignature } from '../../src/inbound/signatures/verify';

describe('generateWebhookSecret', () => {
  it('makes whsec_ and the base64 of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('makes distinct secrets', () => {
    expect(new Set(Array.from({ length: 100 }, generateWebhookSecret)).size).toBe(100);
  });

  it('makes secrets the standardwebhooks package signs with and Portico verifies', () => {
    const secret = generateWebhookSecret();
    const timestamp = new Date(Date.UTC(2026, 0, 1));
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp.getTime() / 1000),
      'webhook-signature': new Webhook(secret).sign('msg_1', timestamp, '{}'),
    };
    const rawBody = Buffer.from('{}');
    const result = verifySignature('standard', { secret, headers, rawBody, nowMs: timestamp.getTime() });
    expect(result.ok).toBe(true);
  });

  it.each(['standard', 'github', 'legacy'] as const)('makes secrets valid for %s', (scheme) => {
    expect(isValidWebhookSecret(scheme, generateWebhookSecret())).toBe(true);
  });
});

describe('isValidWebhookSecret', () => {
  it.each([
    ['standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true],
    ['standard', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true],
    ['standard', 'my-shared-secret', false],
    ['standard', 'whsec_', false],
    ['standard', '', false],
    ['github', 'my-shared-secret', true],
    ['github', '', false],
    ['legacy', 'my-shared-secret', true],
    ['legacy', '', false],
  ] as const)('%s, %j: %s', (scheme, secret, valid) => {
    expect(isValidWebhookSecret(scheme, secret)).toBe(valid);
  });
});

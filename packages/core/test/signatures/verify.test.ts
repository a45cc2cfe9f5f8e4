import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignatureScheme } from '../../src/model';
import { generateWebhookSecret } from '../../src/inbound/signatures/secret';
import { signStandardWebhook } from '../../src/inbound/signatures/standard';
import type { SignatureHeaders } from '../../src/inbound/signatures/types';
import { verifySignature } from '../../src/inbound/signatures/verify';

const secret = generateWebhookSecret();
const body = '{"event":"PING"}';
const nowSeconds = 1_767_225_600;
const hmacHex = (key: string) => createHmac('sha256', key).update(body).digest('hex');

const signers: Record<SignatureScheme, () => SignatureHeaders> = {
  standard: () => signStandardWebhook({ secret, id: 'msg_1', timestampSeconds: nowSeconds, body }),
  github: () => ({ 'x-hub-signature-256': `sha256=${hmacHex(secret)}` }),
  legacy: () => ({ 'x-hub-signature-256': hmacHex(createHash('sha256').update(secret).digest('hex')) }),
};
const schemes = Object.keys(signers) as SignatureScheme[];

describe('verifySignature', () => {
  it.each(schemes.flatMap((signedWith) => schemes.map((checkedAs) => [signedWith, checkedAs] as const)))(
    'signed by %s, checked as %s: accepted only when they agree',
    (signedWith, checkedAs) => {
      const result = verifySignature(checkedAs, {
        secret,
        headers: signers[signedWith](),
        rawBody: Buffer.from(body),
        nowMs: nowSeconds * 1000,
      });
      expect(result.ok).toBe(signedWith === checkedAs);
    },
  );
});

// @ts-check
// Signature verification in process: Portico's `verifySignature` against the `standardwebhooks`
// package and against the least any verifier must do, one HMAC-SHA256 over the same bytes and a
// constant-time compare. Prints one JSON line.
import { generateWebhookSecret, signStandardWebhook, verifySignature } from '@portico/core';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_BODY } from '../lib/fixtures.mjs';
import { compare, microOptions } from '../lib/micro.mjs';

const secret = generateWebhookSecret();
const rawBody = Buffer.from(WEBHOOK_BODY);
const nowMs = Date.now();
const headers = signStandardWebhook({ secret, id: 'msg_2Lk0bench', timestampSeconds: Math.floor(nowMs / 1000), body: rawBody });
const webhook = new Webhook(secret);
const hmacKey = Buffer.from(secret.slice('whsec_'.length), 'base64');
const expected = Buffer.from(headers['webhook-signature'].slice(3), 'base64');

const results = await compare(
  {
    portico() {
      if (!verifySignature('standard', { secret, headers, rawBody, nowMs }).ok) throw new Error('Portico refused a valid signature');
    },
    standardwebhooks() {
      webhook.verify(WEBHOOK_BODY, headers);
    },
    rawHmac() {
      const digest = createHmac('sha256', hmacKey)
        .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.`)
        .update(rawBody)
        .digest();
      if (!timingSafeEqual(digest, expected)) throw new Error('raw HMAC mismatch');
    },
  },
  microOptions(),
);
process.stdout.write(`${JSON.stringify(results)}\n`);

// @ts-check
// One rate-limit decision in process: Portico's `memoryRateLimiter` against
// `rate-limiter-flexible`'s `RateLimiterMemory.consume`, both over the same 10,000 keys with a
// quota no call exhausts, so every decision is an admission. Prints one JSON line.
import { memoryRateLimiter } from '@portico/core';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { compare, microOptions } from '../lib/micro.mjs';

const KEYS = Array.from({ length: 10_000 }, (_, index) => `webhook:GW-${index.toString(16).toUpperCase().padStart(8, '0')}`);
const LIMIT_PER_MINUTE = 100_000;

const portico = memoryRateLimiter();
const rule = { limit: LIMIT_PER_MINUTE, windowMs: 60_000 };
const flexible = new RateLimiterMemory({ points: LIMIT_PER_MINUTE, duration: 60 });
let porticoCall = 0;
let flexibleCall = 0;

const results = await compare(
  {
    portico: () => portico.consume(KEYS[porticoCall++ % KEYS.length] ?? '', rule),
    rateLimiterFlexible: () => flexible.consume(KEYS[flexibleCall++ % KEYS.length] ?? ''),
  },
  microOptions(),
);
process.stdout.write(`${JSON.stringify(results)}\n`);

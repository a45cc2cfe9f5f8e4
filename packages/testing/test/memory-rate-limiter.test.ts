import { memoryRateLimiter } from '@portico/core';
import { runRateLimiterSuite } from '../src/rate-limiter-suite';

runRateLimiterSuite('memoryRateLimiter', () => memoryRateLimiter());

export { redisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter';

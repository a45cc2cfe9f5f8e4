/**
 * The Lua script behind every decision of `redisRateLimiter`: an exact sliding log, read and
 * written in one atomic step, so concurrent callers on any number of instances never admit
 * more than the limit together. Times come from the server's `TIME`, in microseconds, so
 * callers' clocks do not matter.
 *
 * KEYS[1] is a sorted set of admission times (score: microseconds); ARGV is limit, windowMs.
 * Returns { allowed (1 or 0), remaining, resetMs, retryAfterMs }, durations rounded up.
 *
 * @example
 * ```ts
 * client.defineCommand('porticoRateLimit', { numberOfKeys: 1, lua: CONSUME_SCRIPT });
 * ```
 */
export const CONSUME_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local window_us = window_ms * 1000

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local newest = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
-- A server clock that steps back must not unsort the log: for this key, time stands still instead.
if newest and newest > now then now = newest end

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_us)
local count = redis.call('ZCARD', key)

if count < limit then
  -- Several admissions can share a microsecond, and a member must be unique: the n-th one at
  -- score s is 's:n'. Expiry removes whole scores at once, so n never repeats within a score.
  local same_time = redis.call('ZCOUNT', key, now, now)
  redis.call('ZADD', key, now, string.format('%d:%d', now, same_time))
  -- The key matters until its newest admission leaves the window; then it may vanish.
  redis.call('PEXPIRE', key, window_ms)
  return {1, limit - count - 1, window_ms, 0}
end

local function ms_until_out(score_us)
  return math.ceil((score_us + window_us - now) / 1000)
end
-- Refused means at least limit admissions are in the window: the next request gets in when
-- the oldest of the newest limit of them leaves it.
local oldest_counted = tonumber(redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')[2])
return {0, 0, ms_until_out(newest), ms_until_out(oldest_counted)}
`;

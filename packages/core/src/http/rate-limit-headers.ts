import type { RateLimitInfo } from '../errors';

/**
 * The IETF `RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers):
 * quota `q` per window `w` seconds, `r` requests remaining, `t` seconds until the quota is restored.
 */
export function rateLimitHeaders(policy: string, info: RateLimitInfo): Record<string, string> {
  return {
    'ratelimit-policy': `"${policy}";q=${info.limit};w=${Math.ceil(info.windowMs / 1000)}`,
    ratelimit: `"${policy}";r=${info.remaining};t=${Math.ceil(info.resetMs / 1000)}`,
  };
}

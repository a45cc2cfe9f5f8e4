// API key rotation, for docs/security.md. The test checks that both keys work during the grace
// period and that the old one is refused after it.
import type { Gateway, RotatedKey } from '@portico/core';

/** Gives an integration a new API key; the old one keeps working for an hour. */
export async function rotateApiKey(gateway: Gateway, intId: string): Promise<RotatedKey> {
  // #region rotate
  const rotated = await gateway.integrations.rotateKey(intId, 'ops-kim', {
    gracePeriodMs: 60 * 60_000, // instead of the gateway's keyGracePeriodMs (default 24 hours)
  });
  // rotated.apiKey: the new key, shown this once. Hand it to the sender before
  // rotated.previousKeyExpiresAt (ISO 8601), when the old key stops working.
  // #endregion rotate
  return rotated;
}

// Master key rotation, for docs/security.md. The test seals secrets under the old key, restarts a
// gateway on the same SQLite file with the ring this returns, receives a signed webhook, reseals,
// and then receives one with the new key alone.
// #region rotate
import { keyRingFromBase64, type KeyRing } from '@portico/core';

/** The key ring after one rotation: the new key seals, both keys open. */
export function rotatedKeyRing(env: NodeJS.ProcessEnv = process.env): KeyRing {
  // Every sealed value names the id of the key that sealed it, so the old key keeps its id: here
  // `k1`, the default of keyRingFromBase64. It still opens what it sealed, and seals nothing new.
  const previous = keyRingFromBase64(env.PORTICO_PREVIOUS_MASTER_KEY ?? '', 'k1');
  // The new key, from `openssl rand -base64 32`, under a new id.
  const current = keyRingFromBase64(env.PORTICO_MASTER_KEY ?? '', 'k2');
  return { currentKeyId: current.currentKeyId, keys: { ...previous.keys, ...current.keys } };
}
// #endregion rotate

// #region reseal
import type { Gateway, ResealResult } from '@portico/core';

/**
 * Seals every stored secret the old key sealed again under the current key. Run it once on a
 * gateway whose ring holds both keys; afterwards the old key can leave the ring.
 */
export async function resealUnderCurrentKey(gateway: Gateway): Promise<ResealResult> {
  const result = await gateway.integrations.resealSecrets('master-key-rotation');
  // e.g. { checked: 120, resealed: 37 }: integrations without a secret or headers need nothing.
  return result;
}
// #endregion reseal

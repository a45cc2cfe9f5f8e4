// Key rotation of docs/configuration.md. The test sets both variables, imports the ring and
// checks that values sealed under the retired key still open while new ones use the current key.
// #region rotation
import { keyRingFromBase64, type KeyRing } from '@portico/core';

// Both keys come from your secret store. The retired key keeps the id it had (`k1` unless you
// chose one): every sealed value names the key that sealed it. The new id is yours to pick.
const retired = keyRingFromBase64(process.env.PORTICO_PREVIOUS_MASTER_KEY ?? '', 'k1');
const current = keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '', '2026-01');

// New values are sealed under `currentKeyId`; every key in `keys` still opens what it sealed.
const keyRing: KeyRing = { currentKeyId: current.currentKeyId, keys: { ...retired.keys, ...current.keys } };
// #endregion rotation

export { keyRing };

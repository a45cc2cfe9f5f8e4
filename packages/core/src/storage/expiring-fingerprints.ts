import { createHash, randomBytes } from 'node:crypto';

/* Rebuilt when this share of slots is taken (live or expired), to this share of live ones. */
const MAX_LOAD = 0.7;
const REBUILT_LOAD = 0.35;
const MIN_SLOTS = 1024;
const TWO_TO_32 = 2 ** 32;

/**
 * A set of strings that each expire, kept as 64-bit fingerprints in typed arrays: 16 bytes a slot,
 * off the JavaScript heap, so a million live entries cost tens of megabytes and nothing for the
 * garbage collector to trace. Fingerprints are SHA-256 under a random salt drawn per set, so no
 * one can make two texts collide on purpose. By chance, with a million texts live, a new one is
 * taken for a live one about once in eighteen trillion additions.
 *
 * Open addressing with linear probing. An expired slot is reused by the next insertion that
 * passes it and dropped when the table is rebuilt, which also sizes it to what is still live.
 *
 * @example
 * ```ts
 * const seen = expiringFingerprints();
 * seen.add('GW-0000000A/msg_1', nowMs + 600_000, nowMs); // true: new
 * seen.add('GW-0000000A/msg_1', nowMs + 600_000, nowMs); // false: still live
 * seen.has('GW-0000000A/msg_1', nowMs); // true
 * ```
 */
export function expiringFingerprints(): {
  /** Adds `text` until `expiresAtMs` unless it is there and live at `nowMs`; true when added. */
  add(text: string, expiresAtMs: number, nowMs: number): boolean;
  /** True when `text` is there and live at `nowMs`. */
  has(text: string, nowMs: number): boolean;
} {
  const salt = randomBytes(16).toString('base64');
  let slots = MIN_SLOTS;
  let high = new Uint32Array(slots);
  let low = new Uint32Array(slots);
  /* 0 marks a free slot: no entry expires at the epoch. */
  let expiry = new Float64Array(slots);
  let used = 0;

  const home = (lowBits: number, count: number) => Math.floor((lowBits / TWO_TO_32) * count);

  function rebuild(nowMs: number): void {
    let live = 0;
    for (let i = 0; i < slots; i++) if ((expiry[i] as number) > nowMs) live++;
    const [oldHigh, oldLow, oldExpiry, oldSlots] = [high, low, expiry, slots];
    slots = Math.max(MIN_SLOTS, Math.ceil(live / REBUILT_LOAD));
    high = new Uint32Array(slots);
    low = new Uint32Array(slots);
    expiry = new Float64Array(slots);
    used = live;
    for (let i = 0; i < oldSlots; i++) {
      const at = oldExpiry[i] as number;
      if (at <= nowMs) continue;
      let slot = home(oldLow[i] as number, slots);
      while (expiry[slot] !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
      high[slot] = oldHigh[i] as number;
      low[slot] = oldLow[i] as number;
      expiry[slot] = at;
    }
  }

  const fingerprint = (text: string) => {
    const digest = createHash('sha256').update(salt).update(text).digest();
    return [digest.readUInt32LE(0), digest.readUInt32LE(4)] as const;
  };

  return {
    has(text, nowMs) {
      const [h, l] = fingerprint(text);
      for (let slot = home(l, slots); expiry[slot] !== 0; slot = slot + 1 === slots ? 0 : slot + 1) {
        if (high[slot] === h && low[slot] === l) return (expiry[slot] as number) > nowMs;
      }
      return false;
    },
    add(text, expiresAtMs, nowMs) {
      const [h, l] = fingerprint(text);
      let reusable = -1;
      let slot = home(l, slots);
      for (;;) {
        const at = expiry[slot] as number;
        if (at === 0) break;
        if (high[slot] === h && low[slot] === l) {
          if (at > nowMs) return false;
          reusable = slot;
          break;
        }
        if (reusable === -1 && at <= nowMs) reusable = slot;
        slot = slot + 1 === slots ? 0 : slot + 1;
      }
      if (!(expiresAtMs > nowMs)) return true;
      if (reusable === -1) {
        reusable = slot;
        used++;
      }
      high[reusable] = h;
      low[reusable] = l;
      expiry[reusable] = expiresAtMs;
      if (used >= slots * MAX_LOAD) rebuild(nowMs);
      return true;
    },
  };
}

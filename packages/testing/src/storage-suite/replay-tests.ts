import type { Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { T0, randomHex } from './fixtures';

const TTL_MS = 300_000;

/**
 * The contract of {@link Storage.replay}: an id is refused until its time to live has passed,
 * per scope, and of concurrent callers exactly one is let through; `seen` reads that memory
 * without writing to it.
 *
 * @example
 * ```ts
 * describe('my store', () => replayStoreTests(() => storage));
 * ```
 */
export function replayStoreTests(storage: () => Storage): void {
  const store = () => storage().replay;

  describe('replay', () => {
    it('refuses an id until its time to live has passed, then remembers it afresh', async () => {
      const [scope, id] = [randomHex(4), `msg_${randomHex(8)}`];
      expect(await store().remember(scope, id, TTL_MS, T0)).toBe(true);
      expect(await store().remember(scope, id, TTL_MS, T0)).toBe(false);
      expect(await store().remember(scope, id, TTL_MS, T0 + TTL_MS - 1)).toBe(false);
      expect(await store().remember(scope, id, TTL_MS, T0 + TTL_MS)).toBe(true);
      expect(await store().remember(scope, id, TTL_MS, T0 + TTL_MS + 1)).toBe(false);
      expect(await store().remember(scope, id, TTL_MS, T0 + 2 * TTL_MS)).toBe(true);
    });

    it('keeps scopes and ids apart', async () => {
      const [scope, otherScope, id] = [randomHex(4), randomHex(4), `msg_${randomHex(8)}`];
      expect(await store().remember(scope, id, TTL_MS, T0)).toBe(true);
      expect(await store().remember(otherScope, id, TTL_MS, T0)).toBe(true);
      expect(await store().remember(scope, `${id}-2`, TTL_MS, T0)).toBe(true);
      expect(await store().remember(otherScope, id, TTL_MS, T0 + 1)).toBe(false);
    });

    it('never confuses a scope and id pair with another that joins to the same text', async () => {
      const [left, right] = [randomHex(4), randomHex(4)];
      expect(await store().remember(`${left}:`, right, TTL_MS, T0)).toBe(true);
      expect(await store().remember(left, `:${right}`, TTL_MS, T0)).toBe(true);
    });

    it('lets exactly one of ten concurrent callers remember an id', async () => {
      const [scope, id] = [randomHex(4), `msg_${randomHex(8)}`];
      const results = await Promise.all(Array.from({ length: 10 }, () => store().remember(scope, id, TTL_MS, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    describe('seen', () => {
      it('sees an id from when it is remembered until its time to live has passed', async () => {
        const [scope, id] = [randomHex(4), `msg_${randomHex(8)}`];
        expect(await store().seen(scope, id, T0)).toBe(false);
        await store().remember(scope, id, TTL_MS, T0);
        expect(await store().seen(scope, id, T0)).toBe(true);
        expect(await store().seen(scope, id, T0 + TTL_MS - 1)).toBe(true);
        expect(await store().seen(scope, id, T0 + TTL_MS)).toBe(false);
      });

      it('sees an id remembered afresh after it expired, until its new time to live has passed', async () => {
        const [scope, id] = [randomHex(4), `msg_${randomHex(8)}`];
        await store().remember(scope, id, TTL_MS, T0);
        expect(await store().remember(scope, id, 2 * TTL_MS, T0 + TTL_MS)).toBe(true);
        expect(await store().seen(scope, id, T0 + 3 * TTL_MS - 1)).toBe(true);
        expect(await store().seen(scope, id, T0 + 3 * TTL_MS)).toBe(false);
      });

      it('keeps scopes and ids apart', async () => {
        const [scope, otherScope, id] = [randomHex(4), randomHex(4), `msg_${randomHex(8)}`];
        await store().remember(scope, id, TTL_MS, T0);
        expect(await store().seen(otherScope, id, T0)).toBe(false);
        expect(await store().seen(scope, `${id}-2`, T0)).toBe(false);
        expect(await store().seen(scope.slice(0, -1), `${scope.slice(-1)}${id}`, T0)).toBe(false);
      });

      it('remembers nothing by looking', async () => {
        const [scope, id] = [randomHex(4), `msg_${randomHex(8)}`];
        expect(await store().seen(scope, id, T0)).toBe(false);
        expect(await store().seen(scope, id, T0)).toBe(false);
        expect(await store().remember(scope, id, TTL_MS, T0)).toBe(true);
      });
    });
  });
}

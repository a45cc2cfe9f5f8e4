import { describe, expect, it } from 'vitest';
import { memoryReplayStore } from '../../src/storage/memory-replay-store';

const T0 = Date.UTC(2026, 0, 1);
const TTL_MS = 1000;

describe('memoryReplayStore', () => {
  // Enough ids to pass the sweep threshold several times over.
  it('still refuses every live id after sweeping expired ones', async () => {
    const replay = memoryReplayStore();
    const batch = (name: string) => Array.from({ length: 1500 }, (_, index) => `${name}-${index}`);
    for (const id of batch('early')) expect(await replay.remember('scope', id, TTL_MS, T0)).toBe(true);
    for (const id of batch('late')) expect(await replay.remember('scope', id, TTL_MS, T0 + 2 * TTL_MS)).toBe(true);
    for (const id of batch('late')) expect(await replay.remember('scope', id, TTL_MS, T0 + 2 * TTL_MS + 1)).toBe(false);
    for (const id of batch('early')) expect(await replay.remember('scope', id, TTL_MS, T0 + 2 * TTL_MS + 1)).toBe(true);
  });

  it('treats a zero time to live as never remembered', async () => {
    const replay = memoryReplayStore();
    expect(await replay.remember('scope', 'msg_1', 0, T0)).toBe(true);
    expect(await replay.remember('scope', 'msg_1', 0, T0)).toBe(true);
  });
});

describe('memoryReplayStore scopes', () => {
  it('keeps one id apart in two scopes, and ids that would collide if joined', async () => {
    const replay = memoryReplayStore();
    expect(await replay.remember('GW-1', 'msg_1', TTL_MS, T0)).toBe(true);
    expect(await replay.remember('GW-2', 'msg_1', TTL_MS, T0)).toBe(true);
    expect(await replay.remember('GW-1\nmsg', '1', TTL_MS, T0)).toBe(true);
    expect(await replay.remember('GW-1', 'msg_1', TTL_MS, T0)).toBe(false);
    expect(await replay.remember('GW-2', 'msg_1', TTL_MS, T0)).toBe(false);
  });
});

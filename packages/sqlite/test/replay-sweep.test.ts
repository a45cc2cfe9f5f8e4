import Database from 'better-sqlite3';
import { T0 } from '@portico/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../src/index';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

describe('sqlite replay sweep', () => {
  it('keeps sweeping expired ids after a transaction could not start', async () => {
    const filename = files.newDatabase();
    const storage = sqliteStorage({ filename, busyTimeoutMs: 0 });
    const peek = new Database(filename, { readonly: true });
    const stored = (id: string) => peek.prepare('SELECT 1 FROM replay_ids WHERE id = ?').get(id) !== undefined;
    try {
      expect(await storage.replay.remember('GW-1', 'old', 1, T0)).toBe(true);
      const other = new Database(filename, { timeout: 0 });
      other.exec('BEGIN IMMEDIATE');
      await expect(storage.replay.remember('GW-1', 'blocked', 1_000, T0 + 10)).rejects.toThrow();
      other.exec('ROLLBACK');
      other.close();

      expect(stored('old')).toBe(true);
      expect(await storage.replay.remember('GW-1', 'after', 1_000, T0 + 10)).toBe(true);
      // The sweep runs in the same transaction, queued right after the upsert.
      expect(stored('old')).toBe(false);
      expect(stored('after')).toBe(true);
    } finally {
      peek.close();
      await storage.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStorage, type SqliteStorageOptions } from '../src/index';
import { openDatabase } from '../src/open-database';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

describe('sqliteStorage options', () => {
  it('refuses an unknown or misspelt option by its name, and a wrong synchronous mode', () => {
    expect(() => sqliteStorage({ filename: ':memory:', busyTimeout: 10 } as unknown as SqliteStorageOptions)).toThrow(/busyTimeout\b/);
    expect(() => sqliteStorage({ filename: ':memory:', synchronous: 'FULL' } as unknown as SqliteStorageOptions)).toThrow(/'normal' or 'full'/);
    expect(() => sqliteStorage({} as SqliteStorageOptions)).toThrow(/filename/);
  });

  it('syncs at every commit with synchronous: full, and not with the default', async () => {
    expect(openDatabase(':memory:', 1000).pragma('synchronous', { simple: true })).toBe(1);
    expect(openDatabase(':memory:', 1000, 'full').pragma('synchronous', { simple: true })).toBe(2);
    const storage = sqliteStorage({ filename: files.newDatabase(), synchronous: 'full' });
    await expect(storage.logs.count()).resolves.toBe(0);
    await storage.close();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Fresh directories under the system temp directory, each holding one test's database file
 * and its `-wal` and `-shm` companions, all removed by `removeAll()`.
 *
 * @example
 * ```ts
 * const files = tempFiles();
 * const filename = files.newDatabase();
 * afterEach(() => files.removeAll());
 * ```
 */
export function tempFiles() {
  const directories: string[] = [];
  return {
    /** A path of a database file that does not exist yet. */
    newDatabase(): string {
      const directory = mkdtempSync(join(tmpdir(), 'portico-sqlite-'));
      directories.push(directory);
      return join(directory, 'portico.db');
    },
    removeAll(): void {
      for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
    },
  };
}

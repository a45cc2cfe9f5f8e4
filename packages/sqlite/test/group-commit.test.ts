import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { groupCommit } from '../src/group-commit';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

function openPair() {
  const filename = files.newDatabase();
  const writer = new Database(filename);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
  const reader = new Database(filename, { readonly: true });
  const insert = writer.prepare<[string]>('INSERT INTO t (id) VALUES (?)');
  const seenByReader = (id: string) => reader.prepare('SELECT 1 FROM t WHERE id = ?').get(id) !== undefined;
  return { filename, writer, reader, insert, seenByReader, close: () => (reader.close(), writer.close()) };
}

describe('groupCommit', () => {
  it('runs the writes of one turn in one transaction, and answers only after it commits', async () => {
    const { writer, insert, seenByReader, close } = openPair();
    const group = groupCommit(writer);
    const visibleToOthers: boolean[] = [];
    const first = group.run(() => insert.run('a').changes);
    const second = group.run(() => {
      // Still inside the transaction that wrote `a`: another connection cannot see it yet.
      visibleToOthers.push(seenByReader('a'));
      return insert.run('b').changes;
    });
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(visibleToOthers).toEqual([false]);
    expect([seenByReader('a'), seenByReader('b')]).toEqual([true, true]);
    close();
  });

  it('rejects only the write that failed; the others of its transaction commit', async () => {
    const { writer, insert, seenByReader, close } = openPair();
    const group = groupCommit(writer);
    insert.run('taken');
    const results = await Promise.allSettled([
      group.run(() => insert.run('x')),
      group.run(() => insert.run('taken')),
      group.run(() => insert.run('y')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([seenByReader('x'), seenByReader('y')]).toEqual([true, true]);
    close();
  });

  it('runs its before-commit hooks once per transaction, after the works, committing their writes with them', async () => {
    const { writer, insert, seenByReader, close } = openPair();
    const group = groupCommit(writer);
    const batches: number[] = [];
    let works = 0;
    group.beforeCommit(() => {
      batches.push(works);
      insert.run(`sum-${works}`);
    });
    const count = (id: string) => () => {
      works++;
      return insert.run(id).changes;
    };
    expect(await Promise.all([group.run(count('a')), group.run(count('b')), group.run(count('c'))])).toEqual([1, 1, 1]);
    expect(batches).toEqual([3]);
    expect(['a', 'b', 'c', 'sum-3'].map(seenByReader)).toEqual([true, true, true, true]);
    await group.run(count('d'));
    expect(batches).toEqual([3, 4]);
    close();
  });

  it('rejects every write of a transaction that cannot start, and goes on afterwards', async () => {
    const { filename, writer, insert, seenByReader, close } = openPair();
    writer.pragma('busy_timeout = 0');
    const other = new Database(filename, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    const group = groupCommit(writer);
    const results = await Promise.allSettled([group.run(() => insert.run('p')), group.run(() => insert.run('q'))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    other.exec('ROLLBACK');
    other.close();
    await group.run(() => insert.run('r'));
    expect([seenByReader('p'), seenByReader('r')]).toEqual([false, true]);
    close();
  });

  it('commits what is queued when flushed, before the turn ends', () => {
    const { writer, insert, seenByReader, close } = openPair();
    const group = groupCommit(writer);
    void group.run(() => insert.run('now'));
    group.flush();
    expect(seenByReader('now')).toBe(true);
    close();
  });
});

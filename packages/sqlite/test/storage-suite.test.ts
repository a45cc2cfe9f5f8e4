import { runStorageSuite } from '@portico/testing';
import { sqliteStorage } from '../src/index';
import { tempFiles } from './support/temp-files';

const files = tempFiles();

runStorageSuite('sqliteStorage on a file', () => sqliteStorage({ filename: files.newDatabase() }), {
  teardown: async () => files.removeAll(),
});

runStorageSuite('sqliteStorage in memory', () => sqliteStorage({ filename: ':memory:' }));

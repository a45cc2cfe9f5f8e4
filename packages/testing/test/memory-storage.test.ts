import { memoryStorage } from '@portico/core';
import { runStorageSuite } from '../src/storage-suite';

runStorageSuite('memoryStorage', () => memoryStorage());

import { defineProject } from 'vitest/config';

// No source aliases: the gateway processes load the built packages, which `npm test` builds first.
// One file at a time, since each starts several processes and shares PostgreSQL and Redis.
export default defineProject({
  test: { name: 'reliability', testTimeout: 120_000, hookTimeout: 60_000, fileParallelism: false },
});

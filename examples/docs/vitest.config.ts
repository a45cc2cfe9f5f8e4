import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'docs', testTimeout: 30_000 },
});

import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-koa', testTimeout: 30_000 },
});

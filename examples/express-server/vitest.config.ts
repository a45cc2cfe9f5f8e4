import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-express', testTimeout: 30_000 },
});

import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideFiles, root, syncGuide } from '../../../scripts/snippets.mjs';

describe('the guides', () => {
  for (const file of guideFiles()) {
    it(`${relative(root, file)}: every program block is its tested source`, () => {
      const { problems } = syncGuide(file);
      expect(problems).toEqual([]);
    });
  }
});

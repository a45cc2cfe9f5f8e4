import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePositions, type CursorPosition } from '../../src/storage/cursor';
import { insertSorted, partitionPoint } from '../../src/storage/sorted';

describe('partitionPoint', () => {
  it('finds the first item the predicate is false for, as a linear scan would', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (values, pivot) => {
        const sorted = [...values].sort((a, b) => a - b);
        const linear = sorted.findIndex((value) => value >= pivot);
        expect(partitionPoint(sorted, (value) => value < pivot)).toBe(linear === -1 ? sorted.length : linear);
      }),
    );
  });
});

describe('insertSorted', () => {
  it('keeps positions ascending whatever the order of insertion', () => {
    const position = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1000 }));
    fc.assert(
      fc.property(fc.array(position), (positions) => {
        const items: CursorPosition<number>[] = [];
        for (const item of positions) insertSorted(items, item, (p) => p);
        expect(items).toEqual([...positions].sort(comparePositions));
      }),
    );
  });
});

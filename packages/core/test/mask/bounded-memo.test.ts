import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../src/mask/bounded-memo';

function counted(compute: (input: string) => string) {
  const calls: string[] = [];
  return { calls, compute: (input: string) => (calls.push(input), compute(input)) };
}

describe('boundedMemo', () => {
  it('computes a short input once', () => {
    const { calls, compute } = counted((input) => input.toUpperCase());
    const upper = boundedMemo(compute);
    expect([upper('a'), upper('a'), upper('b')]).toEqual(['A', 'A', 'B']);
    expect(calls).toEqual(['a', 'b']);
  });

  it('does not remember what `keep` refuses, nor long inputs', () => {
    const { calls, compute } = counted((input) => input.replace('secret', '***'));
    const clean = boundedMemo(compute, (input, result) => input === result);
    const long = 'x'.repeat(200);
    for (const input of ['a secret', 'a secret', long, long]) clean(input);
    expect(calls).toEqual(['a secret', 'a secret', long, long]);
  });

  it('stays correct once full', () => {
    const length = boundedMemo((input) => input.length);
    const inputs = Array.from({ length: 5_000 }, (_, i) => 'y'.repeat(i % 100) + String(i));
    expect(inputs.map(length)).toEqual(inputs.map((input) => input.length));
    expect(inputs.map(length)).toEqual(inputs.map((input) => input.length));
  });
});

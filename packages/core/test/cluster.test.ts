import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passiveSlice } from '../src/cluster.js';

test('passive slices are contiguous, disjoint and cover the range', () => {
  const range = { min: 30000, max: 30010 };
  const slices = [0, 1, 2].map((i) => passiveSlice(range, i, 3));
  assert.deepEqual(slices, [
    { min: 30000, max: 30002 },
    { min: 30003, max: 30005 },
    { min: 30006, max: 30010 },
  ]);
});

test('a range smaller than the worker count is refused', () => {
  assert.throws(() => passiveSlice({ min: 1000, max: 1001 }, 0, 3), RangeError);
});

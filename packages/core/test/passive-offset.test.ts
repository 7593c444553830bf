import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passiveSlice } from '../src/cluster.js';
import { resolveOptions } from '../src/options.js';

const authenticate = () => {
  throw new Error('unused');
};

test('passivePorts.advertisedOffset must keep the advertised ports within 1-65535', () => {
  assert.equal(resolveOptions({ authenticate, passivePorts: { min: 50000, max: 50099, advertisedOffset: -20000 } }).passivePorts?.advertisedOffset, -20000);
  for (const advertisedOffset of [-50000, 15437, 0.5, Number.NaN]) {
    assert.throws(() => resolveOptions({ authenticate, passivePorts: { min: 50000, max: 50099, advertisedOffset } }), RangeError, String(advertisedOffset));
  }
});

test('every worker slice keeps the offset', () => {
  const slices = [0, 1].map((i) => passiveSlice({ min: 50000, max: 50009, advertisedOffset: 7 }, i, 2));
  assert.deepEqual(slices, [
    { min: 50000, max: 50004, advertisedOffset: 7 },
    { min: 50005, max: 50009, advertisedOffset: 7 },
  ]);
});

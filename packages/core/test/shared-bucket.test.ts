import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { SharedTokenBucket } from '../src/limits/shared-bucket.js';
import { MemoryStateStore } from '../src/state/memory-store.js';
import type { StateStore } from '../src/state/store.js';

const RATE = 400_000; // bytes per second
const PIECE = 16 * 1024;

/** Send `bytes` through `bucket` piece by piece, waiting as it says. */
async function pass(bucket: SharedTokenBucket, bytes: number): Promise<void> {
  for (let sent = 0; sent < bytes; sent += PIECE) {
    const wait = await bucket.take(PIECE);
    if (wait > 0) await sleep(wait);
  }
}

/** Milliseconds two "nodes" take to send 200 KB each through buckets on `stores`. */
async function twoNodes(stores: [StateStore, StateStore]): Promise<number> {
  const [a, b] = stores.map((state) => new SharedTokenBucket({ bytesPerSecond: RATE, state, key: 'alice:download' }));
  const started = performance.now();
  await Promise.all([pass(a!, 200_000), pass(b!, 200_000)]);
  return performance.now() - started;
}

test('two nodes sharing a store share one rate; with stores of their own each gets it', async () => {
  const shared = new MemoryStateStore();
  const together = await twoNodes([shared, shared]);
  const apart = await twoNodes([new MemoryStateStore(), new MemoryStateStore()]);
  // 400 KB at 400 KB/s is ~1 s in total (less the first burst and grant); 200 KB each at full rate ~0.5 s.
  assert.ok(together > 800 && together < 1600, `shared: ${Math.round(together)} ms`);
  assert.ok(apart < 750, `separate: ${Math.round(apart)} ms`);
});

test('the store is asked once per grant, not per piece', async () => {
  const store = new MemoryStateStore();
  let calls = 0;
  const counting = Object.assign(Object.create(store) as StateStore, {
    take: (...args: Parameters<StateStore['take']>) => (calls++, store.take(...args)),
  });
  await pass(new SharedTokenBucket({ bytesPerSecond: RATE, state: counting, key: 'k' }), 400_000);
  const pieces = Math.ceil(400_000 / PIECE);
  assert.ok(calls <= pieces / 3, `${calls} store calls for ${pieces} pieces`);
});

test('a failing store falls back to a local bucket of the same rate', async () => {
  const failing = Object.assign(Object.create(new MemoryStateStore()) as StateStore, { take: () => Promise.reject(new Error('down')) });
  const bucket = new SharedTokenBucket({ bytesPerSecond: RATE, state: failing, key: 'k' });
  const started = performance.now();
  await pass(bucket, 200_000);
  const ms = performance.now() - started;
  assert.ok(ms > 300 && ms < 1000, `200 KB at 400 KB/s locally: ${Math.round(ms)} ms`);
});

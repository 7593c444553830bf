/**
 * The StateStore contract suite: what every shared-state store (in-process, cluster
 * IPC, Redis, your own) must do for ftpkit's limits to hold across a fleet. Expiry is
 * tested against the real clock with short TTLs, so a store with its own clock (Redis)
 * runs it unchanged.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { StateStore } from '@ftpkit/core';

/** What a {@link testStateStore} factory returns. */
export interface StateStoreFixture {
  store: StateStore;
  /** Runs once after the suite (stop servers, close the store). */
  cleanup?: () => Promise<void> | void;
}

/** Expiry used by the suite; a store must honour it within {@link SLACK_MS}. */
const TTL_MS = 200;
const SLACK_MS = 150;

/**
 * Register the StateStore contract suite as a `node:test` `describe` block named `name`.
 * `factory` runs once before the suite; every test uses keys of its own.
 *
 * @example
 * testStateStore('memory', () => ({ store: new MemoryStateStore() }));
 */
export function testStateStore(name: string, factory: () => Promise<StateStoreFixture> | StateStoreFixture): void {
  describe(name, () => {
    let fixture: StateStoreFixture;
    before(async () => void (fixture = await factory()));
    after(async () => fixture?.cleanup?.());
    const store = () => fixture.store;
    const key = (label: string) => `testkit:${label}:${randomUUID()}`;

    test('counters count, and expire a fixed time after creation', async () => {
      const k = key('counter');
      assert.equal(await store().increment(k, 1, TTL_MS), 1);
      assert.equal(await store().increment(k, 2, 60_000), 3); // a later ttl does not extend
      assert.equal(await store().get(k), '3');
      await sleep(TTL_MS + SLACK_MS);
      assert.equal(await store().get(k), undefined);
      assert.equal(await store().increment(k, 1, TTL_MS), 1);
    });

    test('values lists the unexpired values of a key prefix, and only those', async () => {
      const base = key('listed');
      await store().set(`${base}:a`, 'one');
      await store().set(`${base}:b`, 'two', TTL_MS);
      await store().set(`${base}*[x]`, 'glob characters are literal');
      await store().set(`${key('other')}:a`, 'elsewhere');
      const listed = async () => (await store().values(`${base}:`)).map((e) => `${e.key}=${e.value}`).sort();
      assert.deepEqual(await listed(), [`${base}:a=one`, `${base}:b=two`]);
      assert.deepEqual((await store().values(`${base}*`)).map((e) => e.value), ['glob characters are literal']);
      await sleep(TTL_MS + SLACK_MS);
      assert.deepEqual(await listed(), [`${base}:a=one`]);
    });

    test('values are set, read, deleted and expire', async () => {
      const k = key('value');
      assert.equal(await store().get(k), undefined);
      await store().set(k, 'one');
      assert.equal(await store().get(k), 'one');
      await store().set(k, 'two', TTL_MS);
      assert.equal(await store().get(k), 'two');
      await sleep(TTL_MS + SLACK_MS);
      assert.equal(await store().get(k), undefined);
      await store().set(k, 'three');
      await store().delete(k);
      assert.equal(await store().get(k), undefined);
    });

    test('leases grant up to the limit, count, and come back on release', async () => {
      const k = key('lease');
      assert.equal(await store().acquire(k, 'a', 2, 60_000), true);
      assert.equal(await store().acquire(k, 'b', 2, 60_000), true);
      assert.equal(await store().acquire(k, 'c', 2, 60_000), false);
      assert.equal(await store().acquire(k, 'a', 2, 60_000), true, 'a holder asking again keeps its slot');
      assert.equal(await store().count(k), 2);
      await store().release(k, 'a');
      await store().release(k, 'nobody');
      assert.equal(await store().count(k), 1);
      assert.equal(await store().acquire(k, 'c', 2, 60_000), true);
      assert.equal(await store().count(key('empty')), 0);
    });

    test('leases expire unless renewed', async () => {
      const k = key('lease-ttl');
      assert.equal(await store().acquire(k, 'kept', 2, TTL_MS), true);
      assert.equal(await store().acquire(k, 'dead', 2, TTL_MS), true);
      for (let i = 0; i < 3; i++) {
        await sleep(TTL_MS / 2);
        assert.equal(await store().renew(k, 'kept', TTL_MS), true);
      }
      assert.equal(await store().count(k), 1, 'the unrenewed lease expired');
      assert.equal(await store().renew(k, 'dead', TTL_MS), false);
      assert.equal(await store().acquire(k, 'new', 2, TTL_MS), true);
      await sleep(TTL_MS + SLACK_MS);
      assert.equal(await store().count(k), 0);
    });

    test('concurrent acquires never grant more than the limit', async () => {
      const k = key('race');
      const granted = await Promise.all(Array.from({ length: 20 }, (_, i) => store().acquire(k, `h${i}`, 5, 60_000)));
      assert.equal(granted.filter(Boolean).length, 5);
      assert.equal(await store().count(k), 5);
    });

    test('quota reservations fit under the limit; settle records what was stored', async () => {
      const k = key('quota');
      assert.deepEqual(await store().usage(k, 100), { used: 100, reserved: 0 });
      assert.deepEqual(await store().usage(k, 999), { used: 100, reserved: 0 }, 'the first figure wins');
      assert.deepEqual(await store().reserve(k, 'up1', 300, 500, 60_000), { used: 100, reserved: 300 });
      assert.equal(await store().reserve(k, 'up2', 101, 500, 60_000), undefined, 'the last bytes are taken');
      assert.deepEqual(await store().reserve(k, 'up2', 100, 500, 60_000), { used: 100, reserved: 400 });
      assert.deepEqual(await store().settle(k, 'up1', 250), { used: 350, reserved: 100 });
      assert.deepEqual(await store().settle(k, undefined, -1000), { used: 0, reserved: 100 });
      assert.deepEqual(await store().settle(k, 'up2', 0), { used: 0, reserved: 0 });
    });

    test('a reservation made first does not count as a recorded figure: usage still seeds', async () => {
      const k = key('quota-seed');
      assert.deepEqual(await store().reserve(k, 'early', 10, 1000, 60_000), { used: 0, reserved: 10 });
      assert.deepEqual(await store().usage(k, 400), { used: 400, reserved: 10 });
      assert.deepEqual(await store().usage(k, 0), { used: 400, reserved: 10 });
    });

    test('concurrent reservations never overfill a quota', async () => {
      const k = key('quota-race');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store().reserve(k, `u${i}`, 10, 55, 60_000)));
      assert.equal(results.filter(Boolean).length, 5);
      assert.deepEqual(await store().usage(k), { used: 0, reserved: 50 });
    });

    test('a reservation is a lease: it expires unless renewed', async () => {
      const k = key('quota-ttl');
      await store().reserve(k, 'live', 10, 100, TTL_MS);
      await store().reserve(k, 'dead', 20, 100, TTL_MS);
      for (let i = 0; i < 3; i++) {
        await sleep(TTL_MS / 2);
        assert.ok(await store().reserve(k, 'live', 0, 100, TTL_MS));
      }
      assert.deepEqual(await store().usage(k), { used: 0, reserved: 10 });
    });

    test('token buckets start full, go into debt and refill at the rate', async () => {
      const k = key('bucket');
      const started = performance.now();
      assert.equal(await store().take(k, 1000, 10_000, 1000), 0);
      const wait = await store().take(k, 1000, 10_000, 1000);
      // The bucket refills meanwhile (10 tokens a millisecond): a slow store answers less.
      const elapsed = performance.now() - started;
      assert.ok(wait >= 100 - elapsed - 5 && wait <= 100, `debt of 1000 tokens at 10000/s is 100 ms less ${elapsed.toFixed(0)} ms elapsed, got ${wait}`);
      await sleep(250);
      assert.equal(await store().take(k, 500, 10_000, 1000), 0, 'refilled (never beyond the burst)');
      // A slow rate (1 token a millisecond), so that a loaded machine's delays refill little:
      // the second taker of the emptied bucket waits for both debts, about 2 s.
      const shared = key('shared-bucket');
      assert.equal(await store().take(shared, 1000, 1000, 1000), 0);
      const [a, b] = await Promise.all([store().take(shared, 1000, 1000, 1000), store().take(shared, 1000, 1000, 1000)]);
      assert.ok(Math.max(a, b) > 1500, `two takers share one bucket: waits ${a} and ${b} ms`);
    });
  });
}

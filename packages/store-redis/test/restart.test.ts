import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { RedisProcess, redisSkip } from '../../../test/support/redis.js';
import { RedisStateStore } from '../src/index.js';

test('calls fail fast while redis-server is down and work again after it restarts', { skip: redisSkip }, async () => {
  const redis = await RedisProcess.start();
  const store = new RedisStateStore({ url: redis.url, prefix: 'restart:', commandTimeout: 500 });
  try {
    assert.equal(await store.acquire('k', 'a', 1, 60_000), true);
    await redis.stop();
    const started = performance.now();
    await assert.rejects(store.acquire('k', 'b', 1, 60_000));
    assert.ok(performance.now() - started < 1500, 'no hang while Redis is down');
    await redis.restart();
    // ioredis reconnects by itself; the scripts are loaded again (the new server has none).
    let granted: boolean | undefined;
    for (let i = 0; i < 40 && granted === undefined; i++) {
      granted = await store.acquire('k', 'b', 1, 60_000).catch(() => undefined);
      if (granted === undefined) await sleep(100);
    }
    assert.equal(granted, true, 'the restarted (empty) Redis grants the slot');
  } finally {
    await store.close();
    await redis.stop();
  }
});

import { testStateStore } from '@ftpkit/fs-testkit';
import { describe } from 'node:test';
import { RedisProcess, redisSkip } from '../../../test/support/redis.js';
import { RedisStateStore } from '../src/index.js';

describe('RedisStateStore', { skip: redisSkip }, () => {
  testStateStore('contract', async () => {
    const redis = await RedisProcess.start();
    const store = new RedisStateStore({ url: redis.url, prefix: 'contract:' });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await redis.stop();
      },
    };
  });
});

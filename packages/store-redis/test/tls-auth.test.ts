import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestCerts, hasOpenssl, type TestCerts } from '../../../test/support/certs.js';
import { RedisProcess, redisSkip } from '../../../test/support/redis.js';
import { RedisStateStore } from '../src/index.js';

describe('rediss:// with a password', { skip: redisSkip || (hasOpenssl() ? false : 'openssl is not installed') }, () => {
  let certs: TestCerts;
  let redis: RedisProcess;

  before(async () => {
    certs = createTestCerts();
    const server = certs.issue('127.0.0.1');
    redis = await RedisProcess.start({ tls: { ...server.files, caFile: `${certs.dir}/ca.crt` }, password: 'open sesame' });
  });

  after(async () => {
    await redis?.stop();
    certs?.remove();
  });

  test('the password option and a private CA', async () => {
    assert.match(redis.url, /^rediss:\/\//);
    const store = new RedisStateStore({ url: redis.url, password: 'open sesame', redis: { tls: { ca: certs.ca.cert } } });
    try {
      assert.equal(await store.acquire('k', 'a', 1, 60_000), true);
      assert.equal(await store.count('k'), 1);
    } finally {
      await store.close();
    }
  });

  test('the password in the URL', async () => {
    const url = redis.url.replace('rediss://', 'rediss://:open%20sesame@');
    const store = new RedisStateStore({ url, redis: { tls: { ca: certs.ca.cert } } });
    try {
      assert.equal(await store.increment('n', 1, 60_000), 1);
    } finally {
      await store.close();
    }
  });

  test('a wrong password or an untrusted certificate fails the calls, quickly', async () => {
    for (const options of [
      { password: 'wrong', redis: { tls: { ca: certs.ca.cert } } },
      { password: 'open sesame' }, // the system CAs do not know the test CA
    ]) {
      const store = new RedisStateStore({ url: redis.url, commandTimeout: 500, ...options });
      try {
        const started = performance.now();
        await assert.rejects(store.get('k'));
        assert.ok(performance.now() - started < 1500);
      } finally {
        await store.close();
      }
    }
  });
});

// The server's guard around its state store: a store that never answers costs at most
// `stateTimeout` (no hang); fail closed answers 421, fail open admits on local limits;
// the first answer after an outage switches back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStateStore, type StateStore } from '@ftpkit/core';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const start = serversClosedAfterFile();

/** A store that can be switched to never answering, as a blackholed Redis. */
function switchableStore(): { store: StateStore; hang(on: boolean): void } {
  const inner = new MemoryStateStore();
  let hanging = false;
  const store = new Proxy(inner, {
    get(target, name: keyof StateStore) {
      const value = target[name];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (hanging ? new Promise(() => {}) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { store, hang: (on) => void (hanging = on) };
}

for (const policy of ['closed', 'open'] as const) {
  test(`fail ${policy}: a store that stops answering costs one timeout, then ${policy === 'closed' ? '421' : 'local limits'}; it recovers`, async () => {
    const { store, hang } = switchableStore();
    const { port } = await start({ state: store, stateFailurePolicy: policy, stateTimeout: 300, maxSessionsPerUser: 1 });
    hang(true);
    const started = performance.now();
    const first = await RawClient.connect(port);
    const waited = performance.now() - started;
    assert.ok(waited >= 250 && waited < 2000, `answered after ${Math.round(waited)} ms`);
    if (policy === 'closed') {
      assert.equal(first.banner.code, 421);
      first.client.close();
    } else {
      assert.equal(first.banner.code, 220);
      await first.client.login();
      const second = await RawClient.connect(port);
      assert.equal(second.banner.code, 220);
      await second.client.send('USER user');
      assert.equal((await second.client.send('PASS pass')).code, 530, 'local maxSessionsPerUser holds');
      second.client.close();
      first.client.close();
    }
    hang(false);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the next probe of the store
    const after = await RawClient.connect(port);
    assert.equal(after.banner.code, 220);
    await after.client.login();
    after.client.close();
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostResolver } from '../src/data/host-resolver.js';

/** A resolver over a fake DNS that counts lookups, with a clock the test moves. */
function fixture(answers: Record<string, string>) {
  const clock = { now: 1_000 };
  const calls: string[] = [];
  const resolver = new HostResolver(
    async (host) => {
      calls.push(host);
      const address = answers[host];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return address;
    },
    30_000,
    2,
    () => clock.now,
  );
  return { clock, calls, resolver, answers };
}

test('an answer is reused until it expires, then looked up again', async () => {
  const { clock, calls, resolver, answers } = fixture({ 'ftp.example': '198.51.100.1' });
  assert.equal(await resolver.resolve('ftp.example'), '198.51.100.1');
  clock.now += 29_999;
  assert.equal(await resolver.resolve('ftp.example'), '198.51.100.1');
  assert.deepEqual(calls, ['ftp.example']);
  answers['ftp.example'] = '198.51.100.2'; // the dynamic DNS record moved
  clock.now += 1;
  assert.equal(await resolver.resolve('ftp.example'), '198.51.100.2');
  assert.deepEqual(calls, ['ftp.example', 'ftp.example']);
});

test('concurrent callers share one lookup', async () => {
  const { calls, resolver } = fixture({ 'ftp.example': '198.51.100.1' });
  const all = await Promise.all([resolver.resolve('ftp.example'), resolver.resolve('ftp.example'), resolver.resolve('ftp.example')]);
  assert.deepEqual(all, ['198.51.100.1', '198.51.100.1', '198.51.100.1']);
  assert.equal(calls.length, 1);
});

test('a failed lookup is not remembered', async () => {
  const { calls, resolver, answers } = fixture({});
  await assert.rejects(resolver.resolve('late.example'), /ENOTFOUND/);
  answers['late.example'] = '198.51.100.9';
  assert.equal(await resolver.resolve('late.example'), '198.51.100.9');
  assert.equal(calls.length, 2);
});

test('only the most recent names are remembered', async () => {
  const { calls, resolver } = fixture({ a: '192.0.2.1', b: '192.0.2.2', c: '192.0.2.3' });
  for (const host of ['a', 'b', 'c', 'c', 'b', 'a']) await resolver.resolve(host);
  // Two entries at most: c evicts a; b and c stay cached; a is looked up again.
  assert.deepEqual(calls, ['a', 'b', 'c', 'a']);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCommandLine, type Flags } from '../src/args.js';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { run } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'ftpkit-state-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the state settings', () => {
  it('reads the state block; --redis overrides its URL; seconds become milliseconds', async () => {
    const file = join(dir, 'ftpkit.json');
    writeFileSync(join(dir, 'redis.pw'), 's3cret\n');
    writeFileSync(
      file,
      JSON.stringify({ state: { redis: 'redis://10.0.0.5:6379/2', redisPasswordFile: 'redis.pw', prefix: 'eu:', failurePolicy: 'open', leaseTtl: 10, timeout: 1 } }),
    );
    const fromFile = resolveConfig({ users: [] }, await loadConfigFile(file)).state;
    assert.deepEqual(fromFile, { redis: { url: 'redis://10.0.0.5:6379/2', password: 's3cret', prefix: 'eu:' }, failurePolicy: 'open', leaseTtl: 10_000, timeout: 1000 });
    const flags = parseCommandLine(['--redis', 'rediss://redis.internal:6380/0']) as Flags;
    assert.equal(resolveConfig(flags, await loadConfigFile(file)).state.redis?.url, 'rediss://redis.internal:6380/0');
    assert.deepEqual(resolveConfig({ users: [] }).state, {});
  });

  it('takes the password from FTPKIT_REDIS_PASSWORD first', async () => {
    process.env.FTPKIT_REDIS_PASSWORD = 'from-env';
    try {
      const flags = parseCommandLine(['--redis', 'redis://127.0.0.1:6379']) as Flags;
      assert.equal(resolveConfig(flags).state.redis?.password, 'from-env');
    } finally {
      delete process.env.FTPKIT_REDIS_PASSWORD;
    }
  });

  it('refuses a password on the command line and URLs that are not Redis (status 2, one line)', async () => {
    for (const url of ['redis://:hunter2@127.0.0.1:6379', 'http://127.0.0.1:6379', 'not a url']) {
      const { code, stderr } = await run(['--redis', url]);
      assert.equal(code, 2, `${url} → ${stderr}`);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, /^ftpkit: --redis/);
      assert.doesNotMatch(stderr, /hunter2/);
    }
  });

  it('the schema refuses an unknown failure policy', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ state: { failurePolicy: 'maybe' } }));
    await assert.rejects(loadConfigFile(file), /failurePolicy/);
  });
});

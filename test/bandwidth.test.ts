import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthError, limitFileSystem, TokenBucket, type FileSystem } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { tryDownload, tryUpload } from './support/data.js';
import { RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/server.js';

const KiB = 1024;
const LIMIT = 512 * KiB; // bytes per second
const TOLERANCE = 0.15;

function assertRate(bytes: number, ms: number, limit: number): void {
  const rate = bytes / (ms / 1000);
  const error = Math.abs(rate - limit) / limit;
  assert.ok(error <= TOLERANCE, `measured ${Math.round(rate)} B/s against a limit of ${limit} B/s (${(error * 100).toFixed(1)}% off)`);
}

describe('bandwidth limits over the wire', () => {
  let server: TestServer;
  const disk = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(1536 * KiB, 7), '/huge.bin': Buffer.alloc(4096 * KiB, 8), '/half.bin': Buffer.alloc(768 * KiB, 6) } });
  // One bucket per direction shared by every session of "shared"; "slow" gets fresh ones per session.
  const sharedDownload = new TokenBucket({ bytesPerSecond: LIMIT });

  before(async () => {
    server = await startTestServer({
      authenticate: ({ username }): { fs: FileSystem } => {
        if (username === 'slow') {
          return {
            fs: limitFileSystem(disk, {
              download: [new TokenBucket({ bytesPerSecond: LIMIT })],
              upload: [new TokenBucket({ bytesPerSecond: LIMIT })],
            }),
          };
        }
        if (username === 'shared') return { fs: limitFileSystem(disk, { download: [sharedDownload] }) };
        if (username === 'fast') return { fs: disk };
        throw new AuthError('Login incorrect.');
      },
    });
  });

  after(() => server.close());

  async function login(user: string): Promise<RawClient> {
    const { client } = await RawClient.connect(server.port);
    await client.login(user, 'x');
    await client.send('TYPE I');
    return client;
  }

  it('holds a throttled download within 15% of the limit while an unthrottled session runs at full speed', async () => {
    const slow = await login('slow');
    const fast = await login('fast');
    try {
      const throttled = tryDownload(slow, 'RETR /big.bin');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const unthrottled = await tryDownload(fast, 'RETR /huge.bin');
      assert.equal(unthrottled.final.code, 226);
      assert.equal(unthrottled.data.length, 4096 * KiB);
      // 4 MiB at the limit would take 8 s; unthrottled it takes a fraction of that.
      assert.ok(unthrottled.ms < 1500, `unthrottled download took ${unthrottled.ms} ms`);
      const result = await throttled;
      assert.equal(result.final.code, 226);
      assert.equal(result.data.length, 1536 * KiB);
      assertRate(result.data.length, result.ms, LIMIT);
    } finally {
      slow.close();
      fast.close();
    }
  });

  it('holds a throttled upload within 15% of the limit', async () => {
    const slow = await login('slow');
    try {
      const started = performance.now();
      const { final } = await tryUpload(slow, 'STOR /up.bin', Buffer.alloc(1024 * KiB, 9));
      const ms = performance.now() - started;
      assert.equal(final.code, 226, final.text);
      assert.equal((await disk.stat('/up.bin')).size, 1024 * KiB);
      assertRate(1024 * KiB, ms, LIMIT);
    } finally {
      slow.close();
    }
  });

  it('shares a per-user limit between the sessions of that user', async () => {
    const one = await login('shared');
    const two = await login('shared');
    try {
      const started = performance.now();
      const [a, b] = await Promise.all([tryDownload(one, 'RETR /half.bin'), tryDownload(two, 'RETR /half.bin')]);
      const ms = performance.now() - started;
      assert.equal(a.final.code, 226);
      assert.equal(b.final.code, 226);
      assertRate(a.data.length + b.data.length, ms, LIMIT);
    } finally {
      one.close();
      two.close();
    }
  });
});

/**
 * Who closes a FileSystem: the core closes one that `authenticate` returned only when the
 * result says the login owns it (`ownsFileSystem: true`). A LocalFileSystem shared by
 * sessions stays open, and keeps sweeping, after one of them logs out; one made for a
 * login is closed when that login ends (QUIT, REIN, disconnect), through a limits
 * wrapper too.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, type AuthResult } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const startServer = serversClosedAfterFile();

/** A real LocalFileSystem that counts its `close()` calls. */
class CountedLocal extends LocalFileSystem {
  closes = 0;
  override async close(): Promise<void> {
    this.closes++;
    await super.close();
  }
}

async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); await sleep(20)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
  }
}

async function login(port: number, user: string): Promise<RawClient> {
  const { client } = await RawClient.connect(port);
  await client.login(user, user);
  return client;
}

describe('closing the file systems authenticate returned', () => {
  let sharedRoot: string;
  let ownRoot: string;
  let shared: CountedLocal;
  const owned: CountedLocal[] = [];
  let port: number;

  before(async () => {
    sharedRoot = await mkdtemp(join(tmpdir(), 'ftpkit-shared-'));
    ownRoot = await mkdtemp(join(tmpdir(), 'ftpkit-own-'));
    // Swept every 100 ms, so a sweep that stopped shows within the test.
    shared = new CountedLocal({ root: sharedRoot, sweepInterval: 100 });
    const server = await startServer({
      maxSessionsPerUser: 2,
      authenticate: ({ username, password }): AuthResult => {
        if (password !== username) throw new AuthError('Login incorrect.');
        if (username === 'shared') return { fs: shared };
        if (username === 'limited') return { fs: shared, limits: { maxFileSize: 1000 } };
        const fs = new CountedLocal({ root: ownRoot, staleUploadAge: false });
        owned.push(fs);
        return { fs, ownsFileSystem: true, ...(username === 'own-limited' ? { limits: { maxFileSize: 1000 } } : {}) };
      },
    });
    port = server.port;
  });
  after(async () => {
    await shared.close();
    await Promise.all([sharedRoot, ownRoot].map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('a shared LocalFileSystem is not closed when one of its sessions logs out, and keeps sweeping', async () => {
    const first = await login(port, 'shared');
    const second = await login(port, 'shared');
    // A third login of the user is refused after authenticate (maxSessionsPerUser).
    const third = await RawClient.connect(port);
    await third.client.send('USER shared');
    assert.equal((await third.client.send('PASS shared')).code, 530);
    third.client.close();
    assert.equal((await first.send('QUIT')).code, 221);
    const limited = await login(port, 'limited');
    assert.equal((await limited.send('REIN')).code, 220);
    limited.close();
    await sleep(100);
    assert.equal(shared.closes, 0);
    // An old temporary file of an unknown writer: only a running sweep removes it.
    const leftover = join(sharedRoot, `.ftpkit-upload-0123456789ab-1-${'0'.repeat(15)}1.tmp`);
    await writeFile(leftover, 'left behind');
    const old = new Date(Date.now() - 3 * 3_600_000);
    await utimes(leftover, old, old);
    await eventually('the sweep removed the leftover', () => !existsSync(leftover));
    assert.equal((await second.send('PWD')).code, 257);
    second.close();
  });

  it('a LocalFileSystem the login owns is closed when it ends: QUIT, REIN, disconnect, through limits too', async () => {
    const ends: [string, (client: RawClient) => Promise<void>][] = [
      ['own', async (c) => void (await c.send('QUIT'))],
      ['own', async (c) => void (await c.send('REIN'))],
      ['own', async (c) => c.close()],
      ['own-limited', async (c) => void (await c.send('QUIT'))],
    ];
    for (const [user, end] of ends) {
      const client = await login(port, user);
      const fs = owned.at(-1)!;
      assert.equal(fs.closes, 0);
      await end(client);
      await eventually(`${user}'s file system is closed`, () => fs.closes === 1);
      client.close();
    }
    assert.equal(owned.length, ends.length);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthError, limitFileSystem, measureUsage, StorageQuota } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { tryUpload } from './support/data.js';
import { RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/server.js';

const KiB = 1024;

describe('storage quota and file size limit over the wire', () => {
  let dir: string;
  let server: TestServer;
  let quota: StorageQuota;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-quota-'));
    await writeFile(join(dir, 'report.bin'), Buffer.alloc(10 * KiB, 1));
    const disk = new LocalFileSystem({ root: dir, uploadPolicy: 'atomic' });
    quota = new StorageQuota({ maxBytes: 100 * KiB, usedBytes: await measureUsage(disk) });
    server = await startTestServer({
      authenticate: ({ username }) => {
        if (username === 'quota') return { fs: limitFileSystem(disk, { quota, maxFileSize: 64 * KiB }) };
        throw new AuthError('Login incorrect.');
      },
    });
  });

  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function login(): Promise<RawClient> {
    const { client } = await RawClient.connect(server.port);
    await client.login('quota', 'x');
    await client.send('TYPE I');
    return client;
  }

  it('measured the existing files', () => {
    assert.equal(quota.usedBytes, 10 * KiB);
  });

  it('answers 552 when an upload outgrows the file size limit, and the atomic backend keeps the previous file', async () => {
    const client = await login();
    try {
      const { preliminary, final } = await tryUpload(client, 'STOR report.bin', Buffer.alloc(200 * KiB, 2));
      assert.equal(preliminary.code, 150);
      assert.equal(final.code, 552, final.text);
      assert.match(final.text, /File size limit exceeded/);
      assert.deepEqual(await readFile(join(dir, 'report.bin')), Buffer.alloc(10 * KiB, 1));
      assert.equal(quota.usedBytes, 10 * KiB);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });

  it('answers 552 mid-upload when the storage quota is used up, and frees it again after DELE', async () => {
    const client = await login();
    try {
      const a = await tryUpload(client, 'STOR a.bin', Buffer.alloc(60 * KiB, 3));
      assert.equal(a.final.code, 226, a.final.text);
      assert.equal(quota.usedBytes, 70 * KiB);
      // 60 KiB more would make 130 KiB of a 100 KiB quota.
      const b = await tryUpload(client, 'STOR b.bin', Buffer.alloc(60 * KiB, 4));
      assert.equal(b.preliminary.code, 150);
      assert.equal(b.final.code, 552, b.final.text);
      assert.match(b.final.text, /quota exceeded/i);
      await assert.rejects(readFile(join(dir, 'b.bin')), { code: 'ENOENT' });
      assert.equal(quota.usedBytes, 70 * KiB);

      assert.equal((await client.send('DELE a.bin')).code, 250);
      assert.equal(quota.usedBytes, 10 * KiB);
      const c = await tryUpload(client, 'STOR b.bin', Buffer.alloc(60 * KiB, 4));
      assert.equal(c.final.code, 226, c.final.text);
      assert.equal((await readFile(join(dir, 'b.bin'))).length, 60 * KiB);
    } finally {
      client.close();
    }
  });

  it('counts a replaced file only once and refuses an ALLO announcing too much before any data', async () => {
    const client = await login();
    try {
      // Replacing the 60 KiB b.bin with 50 KiB fits: the old bytes are freed.
      const replaced = await tryUpload(client, 'STOR b.bin', Buffer.alloc(50 * KiB, 5));
      assert.equal(replaced.final.code, 226, replaced.final.text);
      assert.equal(quota.usedBytes, 60 * KiB);
      assert.equal((await client.send(`ALLO ${100 * KiB}`)).code, 202);
      const refused = await tryUpload(client, 'STOR big.bin', Buffer.alloc(KiB));
      assert.equal(refused.preliminary.code, 552, refused.preliminary.text);
    } finally {
      client.close();
    }
  });

  it('applies the file size limit to appends', async () => {
    const client = await login();
    try {
      const appended = await tryUpload(client, 'APPE report.bin', Buffer.alloc(60 * KiB, 6));
      assert.equal(appended.final.code, 552, appended.final.text);
      const ok = await tryUpload(client, 'APPE report.bin', Buffer.alloc(20 * KiB, 6));
      assert.equal(ok.final.code, 226, ok.final.text);
      assert.equal((await readFile(join(dir, 'report.bin'))).length, 30 * KiB);
      assert.equal(quota.usedBytes, 80 * KiB);
    } finally {
      client.close();
    }
  });
});

/**
 * REST and ALLO apply to the next file transfer only, whatever becomes of it: a transfer
 * refused by permissions, vetoed by a middleware or a transfer hook, or failed in the
 * adapter uses them up, so a later RETR is never silently truncated and a later small
 * upload never fails on a stale size hint.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError, READ_ONLY, ReplyError } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { download, tryDownload, tryUpload, upload } from '../support/data.js';
import { useServer } from '../support/fixture.js';

const FILE = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));

describe('one-shot transfer parameters', () => {
  const fs = new MemoryFileSystem({ files: { '/f.bin': FILE } });
  const t = useServer({
    fs,
    authenticate: ({ username, password }) => {
      if (username === 'user' && password === 'pass') return { fs, limits: { maxFileSize: 1000 } };
      if (username === 'reader' && password === 'reader') return { fs, permissions: READ_ONLY };
      throw new AuthError('Login incorrect.');
    },
  });
  const vetoed = (path: string) => path.endsWith('/vetoed-by-middleware');

  it('a STOR refused by permissions uses up REST: the next RETR sends the whole file', async () => {
    const client = await t.connect({ user: 'reader', pass: 'reader' });
    await client.send('TYPE I');
    assert.equal((await client.send('REST 1000')).code, 350);
    assert.equal((await tryUpload(client, 'STOR /f.bin', 'x')).final.code, 550);
    const data = await download(client, 'RETR /f.bin');
    assert.equal(data.length, FILE.length);
    assert.ok(data.equals(FILE));
  });

  it('a STOR vetoed by a middleware uses up REST', async () => {
    t.server.server.use('STOR', async (ctx, next) => {
      if (vetoed(ctx.arg)) return ctx.reply(553, 'Not here.');
      await next();
    });
    const client = await t.connect();
    await client.send('TYPE I');
    assert.equal((await client.send('REST 1000')).code, 350);
    assert.equal((await tryUpload(client, 'STOR /vetoed-by-middleware', 'x')).final.code, 553);
    assert.equal((await download(client, 'RETR /f.bin')).length, FILE.length);
  });

  it('a RETR vetoed by a transfer hook uses up REST', async () => {
    t.server.server.addTransferHook({
      direction: 'download',
      before: ({ path }) => {
        if (path === '/vetoed-by-hook') throw new ReplyError(550, 'Vetoed.');
      },
    });
    const client = await t.connect();
    await client.send('TYPE I');
    assert.equal((await client.send('REST 1000')).code, 350);
    assert.equal((await tryDownload(client, 'RETR /vetoed-by-hook')).final.code, 550);
    assert.equal((await download(client, 'RETR /f.bin')).length, FILE.length);
  });

  it('a RETR that fails in the adapter (missing file) uses up REST', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    assert.equal((await client.send('REST 1000')).code, 350);
    assert.equal((await tryDownload(client, 'RETR /missing.bin')).final.code, 550);
    assert.equal((await download(client, 'RETR /f.bin')).length, FILE.length);
  });

  it('a refused upload uses up ALLO: a later small upload is not refused under maxFileSize', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    assert.equal((await client.send('ALLO 5000')).code, 202);
    assert.equal((await tryUpload(client, 'STOR /vetoed-by-middleware', 'x')).final.code, 553);
    await upload(client, 'STOR /small.txt', 'small file');
    assert.equal((await fs.stat('/small.txt')).size, 10);
  });

  it('REST still applies to the transfer that directly follows it', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    await client.send('REST 1000');
    const data = await download(client, 'RETR /f.bin');
    assert.ok(data.equals(FILE.subarray(1000)));
    // …and only to it.
    assert.equal((await download(client, 'RETR /f.bin')).length, FILE.length);
  });
});

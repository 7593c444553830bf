import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FsError, type FileStat, type FileSystem } from '@ftpkit/core';
import { expectFsError, faultyFileSystem, listAll, readAll } from '@ftpkit/fs-testkit';

const entry = (name: string): FileStat => ({ name, type: 'file', size: 1, mtime: new Date(0) });

/** A tiny fixed backend: every path exists, lists a, b, c and reads 10 bytes in two chunks. */
const inner: FileSystem = {
  stat: async (path) => entry(path.slice(1)),
  async *list() {
    yield* ['a', 'b', 'c'].map(entry);
  },
  read: async () => Readable.from([Buffer.from('01234'), Buffer.from('56789')]),
  write: async () => new Writable({ write: (_c, _e, done) => done() }),
  mkdir: async () => {},
  rmdir: async () => {},
  remove: async () => {},
  rename: async () => {},
};

describe('faultyFileSystem', () => {
  it('passes calls without a fault through and offers only the optional methods the inner has', async () => {
    const fs = faultyFileSystem(inner, {});
    assert.equal((await fs.stat('/x')).name, 'x');
    assert.equal((await listAll(fs, '/')).length, 3);
    assert.equal(String(await readAll(await fs.read('/f'))), '0123456789');
    assert.equal(fs.setTimes, undefined);
    assert.equal(fs.hash, undefined);
    assert.deepEqual(fs.fired, []);
  });

  it('an exact path wins over *, and every hit is recorded', async () => {
    const fs = faultyFileSystem(inner, { 'mkdir:*': new FsError('PermissionDenied'), 'mkdir:/free': { delay: 1 } });
    await expectFsError(fs.mkdir('/any'), 'PermissionDenied');
    await fs.mkdir('/free');
    assert.deepEqual(fs.fired, ['mkdir:*', 'mkdir:/free']);
  });

  it('read with failAfter delivers exactly that many bytes, then the error', async () => {
    const boom = new Error('disk gone');
    const fs = faultyFileSystem(inner, { 'read:/f': { failAfter: 7, error: boom } });
    const got: Buffer[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of await fs.read('/f')) got.push(chunk as Buffer);
      })(),
      (err) => err === boom,
    );
    assert.equal(Buffer.concat(got).toString(), '0123456');
  });

  it('list with failAfter past the end fails after the last entry; a delay is cut short by the signal', async () => {
    const fs = faultyFileSystem(inner, { 'list:/': { failAfter: 5 }, 'stat:/slow': { delay: 60_000 } });
    await assert.rejects(listAll(fs, '/'), /injected fault/);
    const started = Date.now();
    await expectFsError(fs.stat('/slow', { signal: AbortSignal.timeout(20) }), 'Aborted');
    assert.ok(Date.now() - started < 5000);
  });

  it('every operation honours its signal: a hang is released and a delay cut short when it fires', async () => {
    const fs = faultyFileSystem(inner, {
      'rename:/from': 'hang-until-aborted',
      'mkdir:*': 'hang-until-aborted',
      'rmdir:*': 'hang-until-aborted',
      'remove:/slow': { delay: 60_000 },
    });
    const controller = new AbortController();
    const { signal } = controller;
    const pending = [fs.rename('/from', '/to', { signal }), fs.mkdir('/d', { signal }), fs.rmdir('/d', { signal })];
    const settled = await Promise.race([Promise.allSettled(pending).then(() => 'settled'), sleep(50, 'pending')]);
    assert.equal(settled, 'pending', 'a hang settled before its signal fired');
    const started = Date.now();
    const slow = fs.remove('/slow', { signal });
    controller.abort();
    for (const call of [...pending, slow]) await expectFsError(call, 'Aborted');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(fs.released, ['rename:/from', 'mkdir:*', 'rmdir:*']);
  });

  it('hang-until-aborted with a signal that already fired rejects at once', async () => {
    const fs = faultyFileSystem(inner, { 'hash:/h': 'hang-until-aborted', 'stat:/h': 'hang-until-aborted' });
    await expectFsError(fs.stat('/h', { signal: AbortSignal.abort() }), 'Aborted');
    assert.deepEqual(fs.released, ['stat:/h']);
    assert.deepEqual(fs.fired, ['stat:/h']);
  });
});

// Metadata, optional operations and streaming of LocalFileSystem against a real directory.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, statfs, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LocalFileSystem } from '../src/index.js';
import { download, listAll, makeTempDir, rejectsWith, removeDir } from './helpers.js';

describe('LocalFileSystem', () => {
  let root: string;
  let fs: LocalFileSystem;

  beforeEach(async () => {
    root = await makeTempDir();
    fs = new LocalFileSystem({ root });
  });

  afterEach(async () => {
    await removeDir(root);
  });

  test('the constructor refuses a missing root', () => {
    assert.throws(() => new LocalFileSystem({ root: join(root, 'missing') }));
  });

  test('stat and list report real modes, sizes, times, links and owners', async () => {
    await writeFile(join(root, 'f.txt'), 'twelve bytes');
    await chmod(join(root, 'f.txt'), 0o640);
    const mtime = new Date('2020-02-03T04:05:06Z');
    await utimes(join(root, 'f.txt'), mtime, mtime);
    await mkdir(join(root, 'd'));
    const host = await stat(join(root, 'f.txt'));

    const file = await fs.stat('/f.txt');
    assert.deepEqual(
      { ...file, owner: undefined, group: undefined },
      { name: 'f.txt', type: 'file', size: 12, mtime, mode: 0o640, nlink: 1, owner: undefined, group: undefined },
    );
    const numeric = new LocalFileSystem({ root, ownerNames: false });
    const numericStat = await numeric.stat('/f.txt');
    assert.equal(numericStat.owner, String(host.uid));
    assert.equal(numericStat.group, String(host.gid));
    if (host.uid === 0) assert.equal(file.owner, 'root');

    const rootStat = await fs.stat('/');
    assert.equal(rootStat.name, '/');
    assert.equal(rootStat.type, 'directory');
    const entries = await listAll(fs, '/');
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.size > 0, e.nlink]),
      [
        ['d', 'directory', true, 2],
        ['f.txt', 'file', true, 1],
      ],
    );
    assert.deepEqual(entries[1], file);
  });

  test('setTimes sets the modification time', async () => {
    await writeFile(join(root, 'f.txt'), 'x');
    const mtime = new Date('2001-02-03T04:05:06Z');
    await fs.setTimes('/f.txt', mtime);
    assert.equal((await stat(join(root, 'f.txt'))).mtime.getTime(), mtime.getTime());
    await rejectsWith(fs.setTimes('/missing', mtime), 'NotFound');
  });

  test('chmod changes permission bits but never sets setuid, setgid or sticky', async () => {
    await writeFile(join(root, 'f.txt'), 'x');
    await fs.chmod('/f.txt', 0o600);
    assert.equal((await stat(join(root, 'f.txt'))).mode & 0o7777, 0o600);
    await fs.chmod('/f.txt', 0o4755);
    assert.equal((await stat(join(root, 'f.txt'))).mode & 0o7777, 0o755);
  });

  test('availableSpace reports the free bytes of the disk', async () => {
    const host = await statfs(root);
    const free = await fs.availableSpace('/');
    assert.ok(free > 0);
    // Other processes write meanwhile; the figure must still be the same order.
    assert.ok(Math.abs(free - host.bavail * host.bsize) < 1024 ** 3);
  });

  test('read streams from an offset in large chunks', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    await writeFile(join(root, 'big.bin'), data);
    const stream = await fs.read('/big.bin', { start: 1000 });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data.subarray(1000)));
    assert.equal(chunks[0]?.length, 1024 * 1024, 'reads use the 1 MiB default buffer');
    assert.equal(await download(fs, '/big.bin', data.length + 10), '');
    await rejectsWith(fs.read('/big.bin', { start: -1 }), 'InvalidArgument');
  });

  test('the signal stops a download', async () => {
    await writeFile(join(root, 'big.bin'), randomBytes(4 * 1024 * 1024));
    const controller = new AbortController();
    const small = new LocalFileSystem({ root, readBufferSize: 64 * 1024 });
    const stream = await small.read('/big.bin', { signal: controller.signal });
    await new Promise((resolve) => stream.once('data', resolve));
    controller.abort();
    const err = await new Promise((resolve) => stream.once('error', resolve));
    assert.equal((err as { code?: string }).code, 'Aborted');
    controller.abort();
    await rejectsWith(small.read('/big.bin', { signal: controller.signal }), 'Aborted');
  });

  test('mkdir, rename, remove and rmdir change the directory', async () => {
    await fs.mkdir('/a');
    await rejectsWith(fs.mkdir('/'), 'AlreadyExists');
    await writeFile(join(root, 'a', 'f.txt'), 'x');
    await fs.rename('/a/f.txt', '/g.txt');
    assert.equal(await readFile(join(root, 'g.txt'), 'utf8'), 'x');
    await writeFile(join(root, 'h.txt'), 'h');
    await fs.rename('/h.txt', '/g.txt');
    assert.equal(await readFile(join(root, 'g.txt'), 'utf8'), 'h', 'rename replaces a file');
    await rejectsWith(fs.rename('/nothing', '/x'), 'NotFound');
    await fs.rename('/a', '/b');
    await fs.remove('/g.txt');
    await rejectsWith(fs.remove('/g.txt'), 'NotFound');
    await fs.rmdir('/b');
    await rejectsWith(fs.rmdir('/'), 'PermissionDenied');
    assert.deepEqual(await listAll(fs, '/'), []);
    assert.ok(existsSync(root));
  });

  test('listing streams a large directory', async () => {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(join(root, `f${i}`), '')));
    let count = 0;
    for await (const entry of fs.list('/')) {
      assert.equal(entry.type, 'file');
      count++;
    }
    assert.equal(count, 1000);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '@ftpkit/core';
import { expectFsError, listNames, readAll, readText, writeAll } from '@ftpkit/fs-testkit';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { fsErrorFromErrno } from '@ftpkit/core';

describe('MemoryFileSystem specifics', () => {
  it('starts from an initial file map, creating parents and empty directories', async () => {
    const fs = new MemoryFileSystem({
      files: { '/readme.txt': 'hello', '/pub/docs/a.md': Buffer.from('# a'), '/incoming': null },
    });
    assert.equal(await readText(fs, '/readme.txt'), 'hello');
    assert.equal(await readText(fs, '/pub/docs/a.md'), '# a');
    assert.deepEqual(await listNames(fs, '/'), ['incoming', 'pub', 'readme.txt']);
    assert.equal((await fs.stat('/incoming')).type, 'directory');
  });

  it('instances given the same volume share one tree', async () => {
    const alice = new MemoryFileSystem({ files: { '/shared.txt': 'v1' } });
    const bob = new MemoryFileSystem({ volume: alice.volume });
    await writeAll(bob, '/shared.txt', 'v2');
    assert.equal(await readText(alice, '/shared.txt'), 'v2');
    assert.equal(alice.volume, bob.volume);
  });

  it('new files get mode 644 and directories 755; an overwrite keeps the mode', async () => {
    const fs = new MemoryFileSystem();
    await writeAll(fs, '/f', 'x');
    await fs.mkdir('/d');
    assert.equal((await fs.stat('/f')).mode, 0o644);
    assert.equal((await fs.stat('/d')).mode, 0o755);
    await fs.chmod('/f', 0o600);
    await writeAll(fs, '/f', 'replaced');
    assert.equal((await fs.stat('/f')).mode, 0o600);
  });

  it('rename follows POSIX rules where memfs alone would not', async () => {
    const fs = new MemoryFileSystem({
      files: { '/file': 'f', '/dir/inner': 'i', '/full/x': 'x', '/empty': null, '/other/y': 'y' },
    });
    await expectFsError(fs.rename('/file', '/dir'), 'IsADirectory');
    await expectFsError(fs.rename('/dir', '/file'), 'NotADirectory');
    await expectFsError(fs.rename('/dir', '/full'), 'NotEmpty');
    await expectFsError(fs.rename('/dir', '/dir/sub'), 'InvalidArgument');
    await expectFsError(fs.rename('/file', '/file/sub'), 'NotADirectory');
    await expectFsError(fs.rename('/', '/x'), 'PermissionDenied');
    assert.equal(await readText(fs, '/file'), 'f');
    assert.equal(await readText(fs, '/dir/inner'), 'i');
    await fs.rename('/dir', '/empty'); // a directory replaces an empty directory
    assert.equal(await readText(fs, '/empty/inner'), 'i');
    await fs.rename('/file', '/file'); // renaming onto itself changes nothing
    assert.equal(await readText(fs, '/file'), 'f');
    assert.deepEqual(await listNames(fs, '/'), ['empty', 'file', 'full', 'other']);
  });

  it('an aborted resumed upload keeps the bytes that arrived (written in place)', async () => {
    const fs = new MemoryFileSystem({ files: { '/part': '0123456789' } });
    const stream = await fs.write('/part', { start: 4 });
    stream.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => stream.write('ab', (e) => (e ? reject(e) : resolve())));
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.destroy(new Error('connection lost'));
    await closed;
    assert.equal(await readText(fs, '/part'), '0123ab');
  });

  it('reads stop with Aborted when the signal fires', async () => {
    const fs = new MemoryFileSystem({ files: { '/big': Buffer.alloc(1 << 20) } });
    await expectFsError(fs.read('/big', { signal: AbortSignal.abort() }), 'Aborted');
    const controller = new AbortController();
    const stream = await fs.read('/big', { signal: controller.signal });
    controller.abort();
    await assert.rejects(readAll(stream), (err) => err instanceof FsError && err.code === 'Aborted');
  });

  it('maps memfs errno codes to FsError codes and passes other errors through', () => {
    const errno = (code: string) => Object.assign(new Error(code), { code });
    const cases = {
      ENOENT: 'NotFound',
      EEXIST: 'AlreadyExists',
      ENOTDIR: 'NotADirectory',
      EISDIR: 'IsADirectory',
      ENOTEMPTY: 'NotEmpty',
      EACCES: 'PermissionDenied',
      EPERM: 'PermissionDenied',
    } as const;
    for (const [code, expected] of Object.entries(cases)) {
      const mapped = fsErrorFromErrno(errno(code));
      assert.ok(mapped instanceof FsError);
      assert.equal(mapped.code, expected);
    }
    const other = new TypeError('boom');
    assert.equal(fsErrorFromErrno(other), other);
  });
});

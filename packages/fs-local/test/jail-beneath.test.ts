// The jail's openat2 lookups (RESOLVE_BENEATH, through @ftpkit/native): paths inside the
// root and links that stay inside take one openat2; an absolute link into the root, which
// the kernel refuses beneath, is allowed by the readlink check; links out stay refused;
// an openat2 the system does not offer turns the fast path off. A file to read opens in
// that one openat2 too, never waiting on a FIFO, and leaves to the longer way what it
// cannot open so.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fstatSync, readFileSync, readSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Jail, type OpenBeneath } from '../src/jail.js';
import { nativeModule } from '../src/native-module.js';
import { makeTempDir, rejectsWith, removeDir, skipWithoutAddon } from './helpers.js';

const native = await nativeModule();
const skip = skipWithoutAddon(native?.canOpenBeneath());

describe('jail lookups by openat2', { skip }, () => {
  let root: string;
  let outside: string;

  before(async () => {
    outside = await makeTempDir('fs-local-outside-');
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    root = await makeTempDir();
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'sub', 'f.txt'), 'inside');
    await symlink('sub/f.txt', join(root, 'infile'));
    await symlink(join(root, 'sub', 'f.txt'), join(root, 'absin'));
    await symlink(join(outside, 'secret.txt'), join(root, 'outfile'));
    await symlink(`../${basename(outside)}/secret.txt`, join(root, 'relesc'));
    await symlink('/proc/self/cwd', join(root, 'magic'));
  });

  after(async () => {
    await removeDir(root);
    await removeDir(outside);
  });

  /** A jail whose openat2 calls are counted by their outcome. */
  function countingJail(open: OpenBeneath = native!.openBeneath): { jail: Jail; calls: string[] } {
    const calls: string[] = [];
    const jail = new Jail(root);
    jail.useBeneath((dirfd, path, flags) => {
      try {
        const fd = open(dirfd, path, flags);
        calls.push(`${path}: ok`);
        return fd;
      } catch (err) {
        calls.push(`${path}: ${(err as { code?: string }).code}`);
        throw err;
      }
    });
    return { jail, calls };
  }

  async function contents(jail: Jail, path: string): Promise<string> {
    const handle = await jail.open(path);
    try {
      return readFileSync(handle.ref, 'utf8');
    } finally {
      await handle.close();
    }
  }

  test('inside paths and links that stay inside take one openat2 each', async () => {
    const { jail, calls } = countingJail();
    assert.equal(await contents(jail, '/sub/f.txt'), 'inside');
    assert.equal(await contents(jail, '/infile'), 'inside');
    const dir = await jail.open('/sub', true);
    assert.ok((await dir.stat()).isDirectory());
    await dir.close();
    const top = await jail.open('/', true);
    await top.close();
    await rejectsWith(jail.open('/missing.txt'), 'NotFound');
    await rejectsWith(jail.open('/sub/f.txt', true), 'NotADirectory');
    // The root itself is opened by its path: no openat2 for '/'.
    assert.deepEqual(calls, ['sub/f.txt: ok', 'infile: ok', 'sub: ok', 'missing.txt: ENOENT', 'sub/f.txt: ENOTDIR']);
  });

  test('an absolute link into the root is refused beneath, then allowed by the readlink check', async () => {
    const { jail, calls } = countingJail();
    assert.equal(await contents(jail, '/absin'), 'inside');
    assert.deepEqual(calls, ['absin: EXDEV']);
  });

  test('links out of the root and magic links stay refused', async () => {
    const { jail, calls } = countingJail();
    await rejectsWith(jail.open('/outfile'), 'PermissionDenied');
    await rejectsWith(jail.open('/relesc'), 'PermissionDenied');
    await rejectsWith(jail.open('/magic', true), 'PermissionDenied');
    assert.deepEqual(calls, ['outfile: EXDEV', 'relesc: EXDEV', 'magic: EXDEV']);
  });

  test('an openat2 the system refuses (ENOSYS) turns the fast path off; lookups go on', async () => {
    const { jail, calls } = countingJail(() => {
      throw Object.assign(new Error('ENOSYS: function not implemented, openat2'), { code: 'ENOSYS' });
    });
    assert.equal(await contents(jail, '/sub/f.txt'), 'inside');
    assert.equal(await contents(jail, '/infile'), 'inside');
    await rejectsWith(jail.open('/outfile'), 'PermissionDenied');
    assert.deepEqual(calls, ['sub/f.txt: ENOSYS']);
  });

  test('the root is looked up by its path each time: a removed root is NotFound at once', async () => {
    const gone = await makeTempDir();
    await writeFile(join(gone, 'f.txt'), 'here');
    const jail = new Jail(gone);
    jail.useBeneath(native!.openBeneath);
    assert.equal(await contents(jail, '/f.txt'), 'here');
    await removeDir(gone);
    await rejectsWith(jail.open('/f.txt'), 'NotFound');
    await rejectsWith(jail.open('/', true), 'NotFound');
  });

  test('a file to read opens in one openat2; FIFOs do not wait; what leaves or cannot be read so is left to open()', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const unix = createServer().listen(join(root, 'socket'));
    await once(unix, 'listening');
    try {
      const calls: string[] = [];
      const jail = new Jail(root);
      jail.useBeneath(native!.openBeneath, (dirfd, path, flags) => {
        calls.push(path);
        return native!.openBeneathFile(dirfd, path, flags);
      });
      for (const path of ['/sub/f.txt', '/infile']) {
        const fd = jail.openToRead(path)!;
        try {
          const buffer = Buffer.alloc(16);
          assert.equal(buffer.toString('utf8', 0, readSync(fd, buffer, 0, 16, 0)), 'inside', path);
        } finally {
          closeSync(fd);
        }
      }
      const fifo = jail.openToRead('/pipe')!;
      assert.ok(fstatSync(fifo).isFIFO(), 'the FIFO opened at once, for its caller to refuse');
      closeSync(fifo);
      const dir = jail.openToRead('/sub')!;
      assert.ok(fstatSync(dir).isDirectory());
      closeSync(dir);
      // A link out (EXDEV) and a socket (ENXIO) go the longer way, which decides.
      assert.equal(jail.openToRead('/outfile'), undefined);
      assert.equal(jail.openToRead('/socket'), undefined);
      assert.equal(jail.openToRead('/'), undefined);
      assert.throws(() => jail.openToRead('/missing.txt'), (err) => err instanceof Error && (err as { code?: string }).code === 'NotFound');
      assert.throws(() => jail.openToRead('/sub/../sub/f.txt'), (err) => (err as { code?: string }).code === 'InvalidName');
      assert.deepEqual(calls, ['sub/f.txt', 'infile', 'pipe', 'sub', 'outfile', 'socket', 'missing.txt']);
    } finally {
      unix.close();
    }
  });
});

// System errors become precise FsErrors whose messages never show host paths: real
// failures where the machine can produce them, the translation table for the rest.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { chmod, mkdir, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { FsError } from '@ftpkit/core';
import { LocalFileSystem } from '../src/index.js';
import { fsErrorFromErrno } from '@ftpkit/core';
import { listAll, makeTempDir, rejectsWith, removeDir, upload } from './helpers.js';

/** Runs a command, reporting whether it succeeded (for optional machine features). */
function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('error mapping', () => {
  let root: string;
  let fs: LocalFileSystem;

  beforeEach(async () => {
    root = await makeTempDir();
    fs = new LocalFileSystem({ root });
    await mkdir(join(root, 'dir'));
    await writeFile(join(root, 'dir', 'f.txt'), 'x');
    await writeFile(join(root, 'file.txt'), 'x');
  });

  afterEach(async () => {
    await removeDir(root);
  });

  test('real failures map to the right codes without host paths', async () => {
    const failures = [
      await rejectsWith(fs.stat('/missing'), 'NotFound'),
      await rejectsWith(fs.read('/missing/f.txt'), 'NotFound'),
      await rejectsWith(fs.mkdir('/dir'), 'AlreadyExists'),
      await rejectsWith(fs.rmdir('/dir'), 'NotEmpty'),
      await rejectsWith(fs.rmdir('/file.txt'), 'NotADirectory'),
      await rejectsWith(fs.remove('/dir'), 'IsADirectory'),
      await rejectsWith(fs.read('/dir'), 'IsADirectory'),
      await rejectsWith(listAll(fs, '/file.txt'), 'NotADirectory'),
      await rejectsWith(fs.stat('/file.txt/x'), 'NotADirectory'),
      await rejectsWith(fs.rename('/file.txt', '/dir'), 'IsADirectory'),
      await rejectsWith(fs.rename('/dir', '/dir/f.txt/sub'), 'NotADirectory', 'InvalidArgument'),
      await rejectsWith(upload(fs, `/${'n'.repeat(300)}`, 'x'), 'InvalidName'),
      await rejectsWith(fs.mkdir(`/${'n'.repeat(300)}`), 'InvalidName'),
    ];
    for (const err of failures) {
      assert.ok(!err.message.includes(root), `message reveals the root: ${err.message}`);
      assert.ok(!err.message.includes('/proc/'), `message reveals a host path: ${err.message}`);
    }
  });

  test('reading a FIFO is refused instead of blocking', { skip: !tryRun('mkfifo', ['--help']) }, async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    await rejectsWith(fs.read('/pipe'), 'PermissionDenied');
    await rejectsWith(fs.write('/pipe'), 'PermissionDenied');
  });

  test('translation table for errors a test cannot provoke', () => {
    const cases: Array<[string, string]> = [
      ['EACCES', 'PermissionDenied'],
      ['EPERM', 'PermissionDenied'],
      ['EROFS', 'PermissionDenied'],
      ['ELOOP', 'PermissionDenied'],
      ['ENOSPC', 'NoSpace'],
      ['EDQUOT', 'QuotaExceeded'],
      ['EMFILE', 'Unavailable'],
      ['ENFILE', 'Unavailable'],
      ['EXDEV', 'Unsupported'],
    ];
    for (const [errno, code] of cases) {
      const raw = Object.assign(new Error(`${errno}: /secret/host/path`), { code: errno });
      const mapped = fsErrorFromErrno(raw);
      assert.ok(mapped instanceof FsError);
      assert.equal(mapped.code, code, errno);
      assert.ok(!mapped.message.includes('/secret'));
      assert.equal(mapped.cause, raw);
    }
    const unknown = Object.assign(new Error('EIO'), { code: 'EIO' });
    assert.equal(fsErrorFromErrno(unknown), unknown, 'unknown errors pass through to become 451');
  });

  describe('permission errors', () => {
    const isRoot = process.getuid?.() === 0;
    const canChattr = isRoot && tryRun('sh', ['-c', 'command -v chattr']);

    test('an unreadable file is PermissionDenied (non-root)', { skip: isRoot && 'root ignores modes' }, async () => {
      await chmod(join(root, 'file.txt'), 0o000);
      await rejectsWith(fs.read('/file.txt'), 'PermissionDenied');
    });

    test('an immutable file is PermissionDenied even for root', { skip: !canChattr && 'needs root and chattr' }, async (t) => {
      const file = join(root, 'dir', 'f.txt');
      if (!tryRun('chattr', ['+i', file])) return t.skip('file system has no immutable flag');
      try {
        await rejectsWith(fs.remove('/dir/f.txt'), 'PermissionDenied');
        await rejectsWith(upload(fs, '/dir/f.txt', 'y', { append: true }), 'PermissionDenied');
      } finally {
        tryRun('chattr', ['-i', file]);
      }
    });
  });

  describe('a full device', () => {
    let mount: string;
    let mounted = false;

    before(() => {
      mount = mkdtempSync(join(tmpdir(), 'fs-local-full-'));
      mounted = process.getuid?.() === 0 && tryRun('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    });

    after(async () => {
      if (mounted) tryRun('umount', [mount]);
      await rmdir(mount);
    });

    test('an upload that fills the disk fails with NoSpace and leaves no temporary file', async (t) => {
      if (!mounted) return t.skip('needs root to mount a small tmpfs');
      const full = new LocalFileSystem({ root: mount });
      const source = Readable.from((function* () {
        for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, 1);
      })());
      await rejectsWith(pipeline(source, await full.write('/big.bin')), 'NoSpace');
      assert.deepEqual(await listAll(full, '/'), []);
      assert.deepEqual(readdirSync(mount), []);
    });
  });
});

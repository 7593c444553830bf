// The root jail: symbolic links leading outside the root are refused for every operation,
// links that stay inside work, and a directory swapped for a link mid-upload cannot
// redirect the upload.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { lstat, mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, beforeEach, afterEach, describe, test } from 'node:test';
import { LocalFileSystem } from '../src/index.js';
import { download, listAll, makeTempDir, rejectsWith, removeDir, upload } from './helpers.js';

const ETC_PROBE = '/etc/ftpkit-jail-probe';

// procfs with synchronous metadata calls (the default), procfs through the thread pool,
// and the portable fallback.
for (const [portableJail, syncMetadata] of [[false, true], [false, false], [true, true]] as const) {
  describe(`jail (${portableJail ? 'portable' : `procfs, ${syncMetadata ? 'sync' : 'async'} metadata`})`, () => {
    let outside: string;
    let root: string;
    let fs: LocalFileSystem;
    let outsideBefore: string;

    /** Everything observable about the outside tree, to prove nothing changed. */
    function snapshotOutside(): string {
      const secret = statSync(join(outside, 'secret.txt'));
      return JSON.stringify({
        secret: readFileSync(join(outside, 'secret.txt'), 'utf8'),
        mode: secret.mode,
        mtime: secret.mtimeMs,
        dir: readdirSync(join(outside, 'dir')).sort(),
        inner: readFileSync(join(outside, 'dir', 'inner.txt'), 'utf8'),
        etcProbe: existsSync(ETC_PROBE),
      });
    }

    before(async () => {
      outside = await makeTempDir('fs-local-outside-');
      await writeFile(join(outside, 'secret.txt'), 'top secret');
      await mkdir(join(outside, 'dir'));
      await mkdir(join(outside, 'dir', 'empty'));
      await writeFile(join(outside, 'dir', 'inner.txt'), 'inner');
    });

    after(async () => {
      await removeDir(outside);
    });

    beforeEach(async () => {
      root = await makeTempDir();
      await mkdir(join(root, 'sub'));
      await writeFile(join(root, 'sub', 'f.txt'), 'inside');
      await writeFile(join(root, 'a.txt'), 'a');
      await symlink('/etc', join(root, 'etc'));
      await symlink(join(outside, 'secret.txt'), join(root, 'outfile'));
      await symlink(join(outside, 'dir'), join(root, 'outdir'));
      await symlink(`../${basename(outside)}/dir`, join(root, 'relesc'));
      await symlink('sub', join(root, 'indir'));
      await symlink('sub/f.txt', join(root, 'infile'));
      fs = new LocalFileSystem({ root, portableJail, syncMetadata });
      outsideBefore = snapshotOutside();
    });

    afterEach(async () => {
      assert.equal(snapshotOutside(), outsideBefore, 'the outside tree was modified');
      await removeDir(root);
    });

    test('reading through outside links is refused', async () => {
      for (const path of ['/outfile', '/outdir/inner.txt', '/relesc/inner.txt', '/etc/passwd']) {
        await rejectsWith(fs.read(path), 'PermissionDenied');
      }
    });

    test('listing, stat and entering outside directories is refused', async () => {
      for (const path of ['/outdir', '/relesc', '/etc', '/outdir/empty']) {
        await rejectsWith(listAll(fs, path), 'PermissionDenied');
        await rejectsWith(fs.stat(path), 'PermissionDenied');
      }
      await rejectsWith(fs.stat('/outfile'), 'PermissionDenied');
      await rejectsWith(fs.availableSpace('/outdir'), 'PermissionDenied');
    });

    test('writing and appending through outside links is refused', async () => {
      for (const uploadPolicy of ['atomic', 'in-place'] as const) {
        const policyFs = new LocalFileSystem({ root, uploadPolicy, portableJail, syncMetadata });
        for (const path of ['/outfile', '/outdir/new.txt', '/outdir/inner.txt', `/etc/${basename(ETC_PROBE)}`]) {
          await rejectsWith(upload(policyFs, path, 'pwned'), 'PermissionDenied');
          await rejectsWith(upload(policyFs, path, 'pwned', { append: true }), 'PermissionDenied');
        }
        await rejectsWith(upload(policyFs, '/outfile', 'pwned', { start: 3 }), 'PermissionDenied');
      }
    });

    test('renaming onto, through or from outside links is refused', async () => {
      await rejectsWith(fs.rename('/a.txt', '/outfile'), 'PermissionDenied');
      await rejectsWith(fs.rename('/a.txt', '/outdir/a.txt'), 'PermissionDenied');
      await rejectsWith(fs.rename('/a.txt', '/etc/a.txt'), 'PermissionDenied');
      await rejectsWith(fs.rename('/outdir/inner.txt', '/stolen.txt'), 'PermissionDenied');
      await rejectsWith(fs.rename('/outfile', '/moved'), 'PermissionDenied');
      assert.equal(await readFile(join(root, 'a.txt'), 'utf8'), 'a');
    });

    test('mkdir, rmdir, remove, setTimes and chmod through outside links are refused', async () => {
      await rejectsWith(fs.mkdir('/outdir/new'), 'PermissionDenied');
      await rejectsWith(fs.mkdir(`/etc/${basename(ETC_PROBE)}`), 'PermissionDenied');
      await rejectsWith(fs.rmdir('/outdir/empty'), 'PermissionDenied');
      await rejectsWith(fs.remove('/outdir/inner.txt'), 'PermissionDenied');
      await rejectsWith(fs.setTimes('/outfile', new Date(0)), 'PermissionDenied');
      await rejectsWith(fs.chmod('/outfile', 0o777), 'PermissionDenied');
    });

    test('removing an outside link removes the link only', async () => {
      await fs.remove('/outfile');
      assert.equal(existsSync(join(root, 'outfile')), false);
    });

    test('links that stay inside work and are listed as links', async () => {
      assert.equal(await download(fs, '/infile'), 'inside');
      assert.equal((await fs.stat('/indir')).type, 'directory');
      assert.deepEqual(
        (await listAll(fs, '/indir')).map((e) => e.name),
        ['f.txt'],
      );
      const entries = new Map((await listAll(fs, '/')).map((e) => [e.name, e]));
      assert.deepEqual(
        [...entries.values()].map((e) => [e.name, e.type, e.target]),
        [
          ['a.txt', 'file', undefined],
          ['etc', 'symlink', undefined],
          ['indir', 'symlink', '/sub'],
          ['infile', 'symlink', '/sub/f.txt'],
          ['outdir', 'symlink', undefined],
          ['outfile', 'symlink', undefined],
          ['relesc', 'symlink', undefined],
          ['sub', 'directory', undefined],
        ],
      );
      await upload(fs, '/infile', 'rewritten');
      assert.equal(await readFile(join(root, 'sub', 'f.txt'), 'utf8'), 'rewritten');
      assert.ok((await lstat(join(root, 'infile'))).isSymbolicLink(), 'the link stays a link');
      await fs.mkdir('/indir/made');
      assert.ok(statSync(join(root, 'sub', 'made')).isDirectory());
    });

    test('a link planted after the file system was created is refused', async () => {
      assert.equal(await download(fs, '/sub/f.txt'), 'inside');
      await removeDir(join(root, 'sub'));
      await symlink(join(outside, 'dir'), join(root, 'sub'));
      await rejectsWith(fs.read('/sub/inner.txt'), 'PermissionDenied');
      await rejectsWith(listAll(fs, '/sub'), 'PermissionDenied');
      await rejectsWith(upload(fs, '/sub/f.txt', 'pwned'), 'PermissionDenied');
    });

    test('dot segments and temporary names are rejected', async () => {
      await rejectsWith(fs.stat('/../etc'), 'InvalidName');
      await rejectsWith(fs.read('/sub/../../etc/passwd'), 'InvalidName');
      await rejectsWith(fs.stat('/.ftpkit-upload-0000.tmp'), 'InvalidName');
    });

    // The portable fallback resolves by path at each step, so only the procfs jail pins
    // the directory an upload started in.
    test('a directory swapped for an outside link mid-upload cannot redirect it', { skip: portableJail }, async () => {
      for (const uploadPolicy of ['atomic', 'in-place'] as const) {
        const policyFs = new LocalFileSystem({ root, uploadPolicy, syncMetadata });
        const stream = await policyFs.write('/sub/up.txt');
        await new Promise<void>((resolve, reject) => stream.write('first ', (e) => (e ? reject(e) : resolve())));
        await rename(join(root, 'sub'), join(root, 'sub-moved'));
        await symlink(join(outside, 'dir'), join(root, 'sub'));
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.end('second', resolve);
        });
        assert.equal(await readFile(join(root, 'sub-moved', 'up.txt'), 'utf8'), 'first second');
        await removeDir(join(root, 'sub'));
        await rename(join(root, 'sub-moved'), join(root, 'sub'));
      }
    });
  });
}

// The jail's openat2 lookups (RESOLVE_BENEATH, through @ftpkit/native): paths inside the
// root and links that stay inside take one openat2; an absolute link into the root, which
// the kernel refuses beneath, is allowed by the readlink check; links out stay refused;
// an openat2 the system does not offer turns the fast path off.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
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
});

/**
 * openBeneath: openat2 with RESOLVE_BENEATH from a directory descriptor. What stays
 * inside opens (O_PATH), `..`, absolute paths and links that leave are EXDEV, bad
 * arguments are errors, not crashes. openBeneathFile opens with the flags given: a file
 * to read is read from its descriptor, under the same confinement.
 */
import assert from 'node:assert/strict';
import { closeSync, constants, fstatSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { canOpenBeneath, nativeStatus, openBeneath, openBeneathFile } from '@ftpkit/native';

const O_PATH = 0o10000000;
const status = nativeStatus();
// Under CI on Linux the addon must be built (and openat2 there): fail rather than skip.
const skip =
  process.env.FTPKIT_NATIVE === '0'
    ? 'disabled by FTPKIT_NATIVE=0'
    : canOpenBeneath() || (process.env.CI && process.platform === 'linux')
      ? false
      : `openBeneath is not available here: ${status.reason ?? 'not Linux'}`;

describe('openBeneath', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'ftpkit-native-beneath-'));
  mkdirSync(join(root, 'dir'));
  writeFileSync(join(root, 'dir', 'file.txt'), 'hello');
  symlinkSync('dir/file.txt', join(root, 'inside'));
  symlinkSync('/etc/passwd', join(root, 'absolute'));
  symlinkSync('../..', join(root, 'climb'));
  const rootFd = openSync(root, O_PATH | constants.O_DIRECTORY);
  after(() => {
    closeSync(rootFd);
    rmSync(root, { recursive: true, force: true });
  });

  /** The errno code openBeneath throws for `path`. */
  function refusal(path: string, flags = 0): string | undefined {
    try {
      closeSync(openBeneath(rootFd, path, flags));
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  }

  test('opens what lies beneath, also through a relative link that stays inside', () => {
    for (const path of ['dir/file.txt', 'inside', 'dir', '.']) {
      const fd = openBeneath(rootFd, path);
      try {
        assert.equal(fstatSync(fd).isDirectory(), path === 'dir' || path === '.', path);
      } finally {
        closeSync(fd);
      }
    }
    closeSync(openBeneath(rootFd, 'dir', constants.O_DIRECTORY));
  });

  test('refuses to leave the directory: .., absolute paths and links', () => {
    assert.equal(refusal('..'), 'EXDEV');
    assert.equal(refusal('dir/../../etc'), 'EXDEV');
    assert.equal(refusal('/etc/passwd'), 'EXDEV');
    assert.equal(refusal('absolute'), 'EXDEV');
    assert.equal(refusal('climb/etc'), 'EXDEV');
  });

  test('reports the usual lookup errors and rejects bad arguments', () => {
    assert.equal(refusal('missing'), 'ENOENT');
    assert.equal(refusal('dir/file.txt', constants.O_DIRECTORY), 'ENOTDIR');
    assert.equal(refusal('dir/file.txt/x'), 'ENOTDIR');
    assert.equal(refusal('bad\0name'), 'EINVAL');
    assert.equal(refusal('x'.repeat(5000)), 'ENAMETOOLONG');
    assert.equal(refusal('dir'), undefined);
    assert.throws(() => openBeneath(-1, 'dir'), { code: 'EBADF' });
    assert.throws(() => (openBeneath as (...args: unknown[]) => number)(rootFd, 42), TypeError);
  });

  test('openBeneathFile opens with the flags given, under the same confinement', () => {
    for (const path of ['dir/file.txt', 'inside']) {
      const fd = openBeneathFile(rootFd, path, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const buffer = Buffer.alloc(16);
        assert.equal(buffer.toString('utf8', 0, readSync(fd, buffer, 0, 16, 0)), 'hello', path);
      } finally {
        closeSync(fd);
      }
    }
    // An O_PATH descriptor cannot be read from: openBeneath's can't, so the flag is what differs.
    const pinned = openBeneath(rootFd, 'dir/file.txt');
    try {
      assert.throws(() => readSync(pinned, Buffer.alloc(4), 0, 4, 0), { code: 'EBADF' });
    } finally {
      closeSync(pinned);
    }
    for (const path of ['..', 'absolute', 'climb/etc']) {
      assert.throws(() => openBeneathFile(rootFd, path, constants.O_RDONLY), { code: 'EXDEV' }, path);
    }
    assert.throws(() => openBeneathFile(rootFd, 'missing', constants.O_RDONLY), { code: 'ENOENT' });
  });
});

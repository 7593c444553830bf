// Listings through @ftpkit/native against the JavaScript listing: the same entries with
// the same metadata on a tree of every kind of entry, the same jail guarantees when the
// listed directory is swapped for a link mid-listing, an abort between batches that
// releases the directory, and a directory removed mid-listing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chmod, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FileStat } from '@ftpkit/core';
import { LocalFileSystem } from '../src/index.js';
import { nativeModule } from '../src/native-module.js';
import { listAll, makeTempDir, rejectsWith, removeDir } from './helpers.js';

const disabled = process.env.FTPKIT_NATIVE === '0';
/** More than the first and second batches together. */
const MANY = 2600;

test('the addon is used unless FTPKIT_NATIVE=0 (under CI it must have been built)', async (t) => {
  const addon = await nativeModule();
  if (disabled) return assert.equal(addon, undefined);
  if (!addon && !process.env.CI) return t.skip('@ftpkit/native is not built here');
  assert.ok(addon, 'the addon loaded');
});

describe('native listing', () => {
  let outside: string;
  let root: string;

  before(async () => {
    outside = await makeTempDir('fs-local-native-outside-');
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    for (let i = 0; i < 5; i++) await writeFile(join(outside, `outside-${i}`), '');
    root = await makeTempDir('fs-local-native-');
    const tree = join(root, 'tree');
    await mkdir(tree);
    await writeFile(join(tree, 'a.txt'), 'a');
    await writeFile(join(tree, 'spaced and ünïcødé ✓ name.txt'), 'x'.repeat(5000));
    await writeFile(join(tree, 'locked'), 'nobody reads this');
    await chmod(join(tree, 'locked'), 0o000);
    await mkdir(join(tree, 'sub'));
    await mkdir(join(tree, 'sub', 'deeper'));
    await symlink(join(outside, 'secret.txt'), join(tree, 'outfile'));
    await symlink(outside, join(tree, 'outdir'));
    await symlink('/etc', join(tree, 'etc'));
    await symlink('sub', join(tree, 'indir'));
    await symlink('a.txt', join(tree, 'infile'));
    await symlink('nowhere', join(tree, 'dangling'));
    await writeFile(join(tree, `.ftpkit-upload-aaaa-${process.pid}-bbbb.tmp`), 'partial');
    execFileSync('mkfifo', [join(tree, 'fifo')]);
    // Not UTF-8: listed by neither (no client could name it).
    await writeFile(Buffer.concat([Buffer.from(join(tree, 'latin1-')), Buffer.from([0xe9])]), 'x');
    await mkdir(join(root, 'many'));
    for (let i = 0; i < MANY; i++) await writeFile(join(root, 'many', `file-${i}`), String(i));
  });

  after(async () => {
    await removeDir(root);
    await removeDir(outside);
  });

  const variants = [
    { portableJail: false, syncMetadata: true },
    { portableJail: false, syncMetadata: false },
    { portableJail: true, syncMetadata: true },
  ];
  for (const options of variants) {
    test(`the same entries as the JavaScript listing (${JSON.stringify(options)})`, async () => {
      const native = new LocalFileSystem({ root, staleUploadAge: false, ...options });
      const js = new LocalFileSystem({ root, staleUploadAge: false, native: false, ...options });
      const listed = await listAll(native, '/tree');
      assert.deepEqual(listed, await listAll(js, '/tree'));
      const byName = new Map(listed.map((e) => [e.name, e]));
      assert.equal(byName.size, 11, [...byName.keys()].join(', '));
      assert.deepEqual(pick(byName.get('indir')), { type: 'symlink', target: '/tree/sub' });
      // Links leading out are listed, never with their target.
      for (const name of ['outfile', 'outdir', 'etc', 'dangling']) assert.deepEqual(pick(byName.get(name)), { type: 'symlink', target: undefined });
      assert.equal(byName.get('locked')?.mode, 0);
      assert.equal(byName.get('fifo')?.type, 'file');
      assert.equal(byName.get('spaced and ünïcødé ✓ name.txt')?.size, 5000);
      assert.ok(![...byName.keys()].some((n) => n.startsWith('.ftpkit-upload-')), 'temporary uploads hidden');
      assert.ok(![...byName.keys()].some((n) => n.startsWith('latin1-')), 'no name that is not UTF-8');
      assert.deepEqual(await listAll(native, '/many'), await listAll(js, '/many'));
    });
  }

  test('a listed directory swapped for a link mid-listing still lists the pinned one', async () => {
    const fs = new LocalFileSystem({ root, staleUploadAge: false });
    const names: string[] = [];
    for await (const entry of fs.list('/many')) {
      if (names.length === 0) {
        await rename(join(root, 'many'), join(root, 'many.moved'));
        await symlink(outside, join(root, 'many'));
      }
      names.push(entry.name);
    }
    await rm(join(root, 'many'));
    await rename(join(root, 'many.moved'), join(root, 'many'));
    assert.equal(names.length, MANY);
    assert.ok(names.every((n) => n.startsWith('file-')), 'nothing from outside');
  });

  test('an abort between batches stops the listing and releases the directory', async () => {
    const fs = new LocalFileSystem({ root, staleUploadAge: false });
    const before = openDescriptors();
    const controller = new AbortController();
    let seen = 0;
    await rejectsWith(async () => {
      for await (const _ of fs.list('/many', { signal: controller.signal })) {
        if (++seen === 1) controller.abort();
      }
    }, 'Aborted');
    assert.ok(seen < MANY, `stopped after ${seen} entries`);
    // The addon closes a directory whose read was in flight once that read ends.
    for (let i = 0; i < 50 && openDescriptors() > before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(openDescriptors(), before);
  });

  test('a directory removed mid-listing ends it without an error', async () => {
    const doomed = join(root, 'doomed');
    await mkdir(doomed);
    for (let i = 0; i < MANY; i++) await writeFile(join(doomed, `f${i}`), '');
    const fs = new LocalFileSystem({ root, staleUploadAge: false });
    const seen: FileStat[] = [];
    for await (const entry of fs.list('/doomed')) {
      if (seen.length === 0) rmSync(doomed, { recursive: true });
      seen.push(entry);
    }
    assert.ok(seen.length >= 1 && seen.length < MANY, `${seen.length} entries`);
    await rejectsWith(listAll(fs, '/doomed'), 'NotFound');
  });
});

function pick(entry: FileStat | undefined): { type?: string; target?: string } {
  return { type: entry?.type, target: entry?.target };
}

function openDescriptors(): number {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0;
}

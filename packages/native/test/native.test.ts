/**
 * The addon as its users see it: it loads (under CI it must, unless FTPKIT_NATIVE=0 says
 * otherwise), and a DirectoryReader reports exactly what lstat reports for every entry
 * kind (leaving out names that are not UTF-8), in any batch size, with Node-style errors, a directory removed mid-read, and a
 * close while a read runs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DirectoryReader, ENTRY_FIELDS, EntryField, nativeStatus, type DirectoryBatch } from '@ftpkit/native';

const disabled = process.env.FTPKIT_NATIVE === '0';
const status = nativeStatus();
// A missing build fails CI rather than skipping its tests.
const skip = status.loaded || process.env.CI ? false : `@ftpkit/native is not loaded here: ${status.reason}`;

test('loads, unless disabled by FTPKIT_NATIVE=0', { skip: !disabled && skip }, () => {
  if (disabled) {
    assert.equal(status.loaded, false);
    assert.match(status.reason ?? '', /FTPKIT_NATIVE=0/);
  } else {
    assert.equal(status.loaded, true, status.reason);
  }
});

test('FTPKIT_NATIVE=0 in the environment disables it', () => {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const script = `import(${JSON.stringify(index)}).then((m) => console.log(JSON.stringify(m.nativeStatus())))`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, FTPKIT_NATIVE: '0' },
    encoding: 'utf8',
  });
  const child = JSON.parse(out) as { loaded: boolean; reason: string };
  assert.equal(child.loaded, false);
  assert.match(child.reason, /FTPKIT_NATIVE=0/);
});

test('the install step never fails: without node-gyp, or with FTPKIT_NATIVE=0, one line and exit 0', () => {
  const script = fileURLToPath(new URL('../scripts/build-addon.mjs', import.meta.url));
  // Neither npm's node-gyp nor the suite's own FTPKIT_NATIVE (CI runs it once with 0) may leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_config_node_gyp|FTPKIT_NATIVE)$/i.test(k)));
  // No node-gyp on this PATH (and none named by npm): the build is not attempted.
  const bare = execFileSync(process.execPath, [script], { env: { ...env, PATH: '/nonexistent' }, encoding: 'utf8' });
  assert.match(bare, /^@ftpkit\/native: not built \((node-gyp: ENOENT|no Node headers [^)]*)\); ftpkit uses its JavaScript paths\n$/);
  const off = execFileSync(process.execPath, [script], { env: { ...env, FTPKIT_NATIVE: '0' }, encoding: 'utf8' });
  assert.match(off, /^@ftpkit\/native: not built \(FTPKIT_NATIVE=0\)/);
});

/** Every entry of `path`, read `max` at a time: name → numbers. */
async function readAll(path: string, max: number): Promise<{ entries: Map<string, number[]>; batches: number }> {
  const reader = new DirectoryReader(path);
  const entries = new Map<string, number[]>();
  let batches = 0;
  try {
    for (;;) {
      const batch: DirectoryBatch = await reader.read(max);
      batches++;
      assert.equal(batch.stats.length, batch.names.length * ENTRY_FIELDS);
      assert.ok(batch.names.length <= max);
      batch.names.forEach((name, i) => {
        assert.ok(!entries.has(name), `${name} read twice`);
        entries.set(name, Array.from(batch.stats.subarray(i * ENTRY_FIELDS, (i + 1) * ENTRY_FIELDS)));
      });
      if (batch.done) return { entries, batches };
    }
  } finally {
    reader.close();
  }
}

/** What lstat says, in the addon's layout. */
function lstatNumbers(path: string): number[] {
  const s = lstatSync(path, { bigint: true });
  const out = new Array<number>(ENTRY_FIELDS);
  out[EntryField.mode] = Number(s.mode);
  out[EntryField.size] = Number(s.size);
  out[EntryField.nlink] = Number(s.nlink);
  out[EntryField.uid] = Number(s.uid);
  out[EntryField.gid] = Number(s.gid);
  out[EntryField.mtimeSec] = Number(s.mtimeNs / 1_000_000_000n);
  out[EntryField.mtimeNsec] = Number(s.mtimeNs % 1_000_000_000n);
  return out;
}

describe('DirectoryReader', { skip: disabled || skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'ftpkit-native-'));
  const outside = mkdtempSync(join(tmpdir(), 'ftpkit-native-outside-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const dir = join(root, 'tree');
  mkdirSync(dir);
  writeFileSync(join(dir, 'plain.txt'), 'hello\n');
  writeFileSync(join(dir, 'with space and ünïcødé ✓.txt'), 'x'.repeat(1234));
  writeFileSync(join(dir, 'locked'), 'secret');
  chmodSync(join(dir, 'locked'), 0o000);
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'sub', 'inner'));
  writeFileSync(join(outside, 'target.txt'), 'outside');
  symlinkSync(join(outside, 'target.txt'), join(dir, 'to-outside'));
  symlinkSync('plain.txt', join(dir, 'to-inside'));
  symlinkSync('missing', join(dir, 'dangling'));
  for (let i = 0; i < 39; i++) writeFileSync(join(dir, `n${i}`), String(i));
  writeFileSync(join(dir, 'four bytes 🗂'), '');
  // Not UTF-8: JavaScript could only name it with U+FFFD instead of the byte.
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'latin1-')), Buffer.from([0xe9, 0xff])]), 'x');

  test('reports what lstat reports for files, directories, links and an unreadable entry', async () => {
    const { entries } = await readAll(dir, 1000);
    assert.equal(entries.size, 47);
    assert.ok(entries.has('four bytes 🗂'));
    assert.ok(![...entries.keys()].some((n) => n.startsWith('latin1-')), 'a name that is not UTF-8 is left out');
    for (const [name, numbers] of entries) assert.deepEqual(numbers, lstatNumbers(join(dir, name)), name);
    // Links are described themselves, never their targets.
    const link = entries.get('to-outside')!;
    assert.equal(link[EntryField.mode]! & 0o170000, 0o120000);
    assert.equal(link[EntryField.size], join(outside, 'target.txt').length);
    assert.equal(entries.get('locked')![EntryField.mode]! & 0o777, 0);
  });

  test('small batches list every entry once, through a /proc/self/fd path too', async () => {
    const { entries: whole } = await readAll(dir, 1000);
    const { entries, batches } = await readAll(dir, 7);
    assert.deepEqual(new Map([...entries].sort()), new Map([...whole].sort()));
    assert.ok(batches >= 7, `${batches} batches`);
    if (existsSync('/proc/self/fd')) {
      const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        const { entries: viaFd } = await readAll(`/proc/self/fd/${fd}`, 5);
        assert.deepEqual(new Map([...viaFd].sort()), new Map([...whole].sort()));
      } finally {
        closeSync(fd);
      }
    }
  });

  test('an empty directory is one final empty batch, and reads past the end stay empty', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const reader = new DirectoryReader(empty);
    try {
      const first = await reader.read(10);
      assert.deepEqual(first.names, []);
      assert.equal(first.done, true);
      const again = await reader.read(10);
      assert.deepEqual([again.names, again.done], [[], true]);
    } finally {
      reader.close();
    }
  });

  test('errors are Node-style system errors', async () => {
    const missing = new DirectoryReader(join(root, 'missing'));
    await assert.rejects(missing.read(10), { code: 'ENOENT', syscall: 'opendir', errno: -2 });
    missing.close();
    const file = new DirectoryReader(join(dir, 'plain.txt'));
    await assert.rejects(file.read(10), { code: 'ENOTDIR' });
    file.close();
    const reader = new DirectoryReader(dir);
    await assert.rejects(reader.read(0), RangeError);
    await assert.rejects(reader.read(70_000), RangeError);
    const first = reader.read(1);
    await assert.rejects(reader.read(1), /already being read/);
    await first;
    reader.close();
    await assert.rejects(reader.read(1), { code: 'EBADF' });
    reader.close();
    assert.throws(() => new DirectoryReader('bad\0path'), TypeError);
  });

  test('a directory removed between batches ends the listing without an error', async () => {
    const doomed = join(root, 'doomed');
    mkdirSync(doomed);
    for (let i = 0; i < 100; i++) writeFileSync(join(doomed, `f${i}`), '');
    const reader = new DirectoryReader(doomed);
    try {
      const first = await reader.read(10);
      assert.equal(first.names.length, 10);
      rmSync(doomed, { recursive: true });
      let seen = first.names.length;
      for (let batch = await reader.read(10); ; batch = await reader.read(10)) {
        seen += batch.names.length;
        if (batch.done) break;
      }
      // Names buffered before it went may still be read; none can be described any more.
      assert.equal(seen, 10);
    } finally {
      reader.close();
    }
  });

  test('close while a read runs: the read still settles and nothing leaks', async () => {
    for (let i = 0; i < 20; i++) {
      const reader = new DirectoryReader(dir);
      const read = reader.read(1000);
      reader.close();
      const batch = await read;
      assert.equal(batch.names.length, 47);
      await assert.rejects(reader.read(1), { code: 'EBADF' });
    }
  });
});

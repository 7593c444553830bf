// Upload policies: atomic uploads replace a file only on completion and leave it intact
// when aborted; in-place uploads keep partial data; appends and restart offsets.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LocalFileSystem } from '../src/index.js';
import { download, listAll, makeTempDir, rejectsWith, removeDir, upload } from './helpers.js';

/** Write `chunk` and wait until the stream has taken it. */
function writeChunk(stream: Writable, chunk: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}

/** Destroy `stream` with an error and wait for it to close. */
function abort(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    stream.on('error', () => {});
    stream.on('close', resolve);
    stream.destroy(new Error('client vanished'));
  });
}

describe('uploads', () => {
  let root: string;

  beforeEach(async () => {
    root = await makeTempDir();
  });

  afterEach(async () => {
    await removeDir(root);
  });

  describe('atomic policy (the default)', () => {
    test('an aborted upload leaves the previous file byte-for-byte intact and no temporary file', async () => {
      const previous = randomBytes(3 * 1024 * 1024 + 7);
      await writeFile(join(root, 'data.bin'), previous);
      const fs = new LocalFileSystem({ root });
      const stream = await fs.write('/data.bin');
      await writeChunk(stream, randomBytes(2 * 1024 * 1024));
      await abort(stream);
      assert.ok((await readFile(join(root, 'data.bin'))).equals(previous));
      assert.deepEqual(readdirSync(root), ['data.bin']);
    });

    test('an aborted upload of a new file leaves nothing behind', async () => {
      const fs = new LocalFileSystem({ root });
      const stream = await fs.write('/new.bin');
      await writeChunk(stream, 'partial');
      await abort(stream);
      assert.deepEqual(readdirSync(root), []);
    });

    test('the signal aborts an upload', async () => {
      await writeFile(join(root, 'f.txt'), 'old');
      const fs = new LocalFileSystem({ root });
      const controller = new AbortController();
      const stream = await fs.write('/f.txt', { signal: controller.signal });
      await writeChunk(stream, 'new data');
      const closed = new Promise<unknown>((resolve) => stream.on('error', resolve));
      controller.abort();
      const err = await closed;
      assert.equal((err as { code?: string }).code, 'Aborted');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(await readFile(join(root, 'f.txt'), 'utf8'), 'old');
      assert.deepEqual(readdirSync(root), ['f.txt']);
    });

    test('until finish the old content is served and the temporary file is not listed', async () => {
      await writeFile(join(root, 'f.txt'), 'old');
      const fs = new LocalFileSystem({ root });
      const stream = await fs.write('/f.txt');
      await writeChunk(stream, 'new content');
      assert.equal(await download(fs, '/f.txt'), 'old');
      assert.deepEqual((await listAll(fs, '/')).map((e) => e.name), ['f.txt']);
      assert.equal(readdirSync(root).length, 2, 'the temporary file exists on disk');
      await new Promise<void>((resolve) => stream.end(resolve));
      assert.equal(await download(fs, '/f.txt'), 'new content');
      assert.deepEqual(readdirSync(root), ['f.txt']);
    });

    test('a replaced file keeps its permission bits', async () => {
      await writeFile(join(root, 'script.sh'), 'old');
      await chmod(join(root, 'script.sh'), 0o750);
      const fs = new LocalFileSystem({ root });
      await upload(fs, '/script.sh', 'new');
      assert.equal((await stat(join(root, 'script.sh'))).mode & 0o777, 0o750);
    });

    test('a directory cannot be uploaded over', async () => {
      const fs = new LocalFileSystem({ root });
      await fs.mkdir('/dir');
      await rejectsWith(fs.write('/dir'), 'IsADirectory');
      await rejectsWith(fs.write('/missing/f.txt'), 'NotFound');
    });
  });

  describe('in-place policy', () => {
    test('an aborted upload keeps the partial data', async () => {
      await writeFile(join(root, 'f.txt'), 'previous content that is long');
      const fs = new LocalFileSystem({ root, uploadPolicy: 'in-place' });
      const stream = await fs.write('/f.txt');
      await writeChunk(stream, 'partial');
      await abort(stream);
      assert.equal(await readFile(join(root, 'f.txt'), 'utf8'), 'partial');
      assert.deepEqual(readdirSync(root), ['f.txt']);
    });

    test('a complete upload replaces the file', async () => {
      await writeFile(join(root, 'f.txt'), 'previous content that is long');
      const fs = new LocalFileSystem({ root, uploadPolicy: 'in-place' });
      await upload(fs, '/f.txt', 'short');
      assert.equal(await readFile(join(root, 'f.txt'), 'utf8'), 'short');
    });
  });

  for (const uploadPolicy of ['atomic', 'in-place'] as const) {
    describe(`appends and restart offsets (${uploadPolicy})`, () => {
      test('append adds to the end, or creates the file', async () => {
        const fs = new LocalFileSystem({ root, uploadPolicy });
        await upload(fs, '/log.txt', 'one,', { append: true });
        await upload(fs, '/log.txt', 'two', { append: true });
        assert.equal(await readFile(join(root, 'log.txt'), 'utf8'), 'one,two');
      });

      test('start keeps the first bytes and replaces the rest', async () => {
        await writeFile(join(root, 'f.txt'), '0123456789');
        const fs = new LocalFileSystem({ root, uploadPolicy });
        await upload(fs, '/f.txt', 'ab', { start: 4 });
        assert.equal(await readFile(join(root, 'f.txt'), 'utf8'), '0123ab');
        await upload(fs, '/f.txt', 'Z', { start: 6 });
        assert.equal(await readFile(join(root, 'f.txt'), 'utf8'), '0123abZ');
      });

      test('a start beyond the end of the file is refused', async () => {
        await writeFile(join(root, 'f.txt'), '0123');
        const fs = new LocalFileSystem({ root, uploadPolicy });
        await rejectsWith(fs.write('/f.txt', { start: 5 }), 'InvalidArgument');
        await rejectsWith(fs.write('/new.txt', { start: 1 }), 'InvalidArgument');
        await rejectsWith(fs.write('/f.txt', { start: -1 }), 'InvalidArgument');
        assert.equal(await readFile(join(root, 'f.txt'), 'utf8'), '0123');
      });
    });
  }

  test('large uploads arrive intact through many writes', async () => {
    const fs = new LocalFileSystem({ root, writeBufferSize: 256 * 1024 });
    const data = randomBytes(8 * 1024 * 1024 + 3);
    const stream = await fs.write('/big.bin');
    for (let offset = 0; offset < data.length; offset += 100_000) {
      if (!stream.write(data.subarray(offset, offset + 100_000))) {
        await new Promise((resolve) => stream.once('drain', resolve));
      }
    }
    await new Promise<void>((resolve) => stream.end(resolve));
    assert.ok((await readFile(join(root, 'big.bin'))).equals(data));
  });
});

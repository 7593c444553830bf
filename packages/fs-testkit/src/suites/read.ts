import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ReadStream } from '@ftpkit/core';
import type { SuiteContext } from '../context.js';
import { expectFsError, readAll, readText, writeAll } from '../helpers.js';

export function readTests({ test }: SuiteContext): void {
  test('read returns the whole file; an empty file reads as zero bytes', async (fs) => {
    await writeAll(fs, '/a.txt', 'the quick brown fox');
    await writeAll(fs, '/empty', '');
    assert.equal(await readText(fs, '/a.txt'), 'the quick brown fox');
    assert.equal((await readAll(await fs.read('/empty'))).length, 0);
  });

  test('read from a start offset (REST)', async (fs) => {
    await writeAll(fs, '/digits', '0123456789');
    assert.equal(await readText(fs, '/digits', 0), '0123456789');
    assert.equal(await readText(fs, '/digits', 4), '456789');
    assert.equal(await readText(fs, '/digits', 9), '9');
    assert.equal(await readText(fs, '/digits', 10), '');
  });

  test('a multi-chunk binary file round-trips byte for byte, also from an offset', async (fs) => {
    const data = randomBytes(1024 * 1024 + 123);
    await writeAll(fs, '/big.bin', data);
    assert.equal((await fs.stat('/big.bin')).size, data.length);
    assert.ok((await readAll(await fs.read('/big.bin'))).equals(data));
    const from = 700_001;
    assert.ok((await readAll(await fs.read('/big.bin', { start: from }))).equals(data.subarray(from)));
  });

  test("a read stream's fileStat, where the adapter gives one, is the file's stat", async (fs) => {
    await writeAll(fs, '/described.txt', 'twelve bytes');
    const stream: ReadStream = await fs.read('/described.txt', { start: 4 });
    const body = await readAll(stream);
    assert.equal(body.toString(), 've bytes');
    if (stream.fileStat === undefined) return; // optional: RETR then makes its own stat
    const stat = await fs.stat('/described.txt');
    // The whole file, not the part from the offset; as stat() says it at that moment.
    assert.deepEqual(stream.fileStat, stat);
  });

  test('read of a directory throws IsADirectory, of a missing file NotFound', async (fs) => {
    await fs.mkdir('/dir');
    await expectFsError(fs.read('/dir'), 'IsADirectory');
    await expectFsError(fs.read('/missing.txt'), 'NotFound');
    await expectFsError(fs.read('/missing/deeper.txt'), 'NotFound');
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { S3FileSystem } from '../src/index.js';
import { openUploads, patternBytes, readFile, sha256, useS3rver, writeFile } from './helpers.js';

const MiB = 1024 * 1024;

describe('S3FileSystem append and resumed uploads', () => {
  const s3 = useS3rver();

  const fsWith = (maxAppendSize: number) =>
    new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, partSize: 5 * MiB, maxAppendSize });

  test('capabilities follow maxAppendSize', () => {
    assert.deepEqual(fsWith(MiB).capabilities, { append: true, resumeUpload: true });
    assert.deepEqual(fsWith(0).capabilities, { append: false, resumeUpload: false });
  });

  test('append adds to the end of a file, or creates it', async () => {
    const fs = fsWith(MiB);
    await writeFile(fs, '/log.txt', 'line 1\n');
    await writeFile(fs, '/log.txt', 'line 2\n', { append: true });
    assert.equal((await readFile(fs, '/log.txt')).toString(), 'line 1\nline 2\n');
    await writeFile(fs, '/fresh.txt', 'new', { append: true });
    assert.equal((await readFile(fs, '/fresh.txt')).toString(), 'new');
  });

  test('start keeps the first bytes and replaces the rest (REST + STOR)', async () => {
    const fs = fsWith(MiB);
    await writeFile(fs, '/resume.txt', '0123456789');
    await writeFile(fs, '/resume.txt', 'abc', { start: 4 });
    assert.equal((await readFile(fs, '/resume.txt')).toString(), '0123abc');
    await writeFile(fs, '/resume.txt', '!', { start: 7 });
    assert.equal((await readFile(fs, '/resume.txt')).toString(), '0123abc!');
    await assert.rejects(fs.write('/resume.txt', { start: 9 }), { code: 'InvalidArgument' });
    await assert.rejects(fs.write('/absent.txt', { start: 1 }), { code: 'InvalidArgument' });
  });

  test('appending to a multipart-sized object streams it into a new multipart upload', async () => {
    const fs = fsWith(64 * MiB);
    const first = patternBytes(7 * MiB, 21);
    const second = patternBytes(6 * MiB, 22);
    await writeFile(fs, '/big.log', first);
    await writeFile(fs, '/big.log', second, { append: true });
    const stored = await readFile(fs, '/big.log');
    assert.equal(stored.length, first.length + second.length);
    assert.equal(sha256(stored), sha256(Buffer.concat([first, second])));
    assert.deepEqual(await openUploads(s3.client, s3.server.bucket), []);
  });

  test('beyond maxAppendSize append and resume are refused and the file is untouched', async () => {
    const fs = fsWith(1000);
    await writeFile(fs, '/limit.bin', patternBytes(1000));
    await writeFile(fs, '/limit.bin', 'ok', { append: true }); // exactly at the limit
    await assert.rejects(fs.write('/limit.bin', { append: true }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'Unsupported');
      assert.match(err.message, /limited to files up to 1000 bytes/);
      return true;
    });
    await assert.rejects(fs.write('/limit.bin', { start: 1001 }), { code: 'Unsupported' });
    assert.equal((await fs.stat('/limit.bin')).size, 1002);
    await assert.rejects(fsWith(0).write('/limit.bin', { append: true }), {
      code: 'Unsupported',
      message: 'Append and resumed uploads are not supported on this storage',
    });
    // A plain overwrite and REST 0 stay possible.
    await writeFile(fsWith(0), '/limit.bin', 'fresh', { start: 0 });
    assert.equal((await readFile(fs, '/limit.bin')).toString(), 'fresh');
  });

  test('destroying an append keeps the original object', async () => {
    const fs = fsWith(64 * MiB);
    const original = patternBytes(6 * MiB, 5);
    await writeFile(fs, '/orig.bin', original);
    const sink = await fs.write('/orig.bin', { append: true });
    sink.on('error', () => undefined);
    sink.write(patternBytes(MiB));
    const closed = new Promise((resolve) => sink.once('close', resolve));
    sink.destroy(new Error('aborted by client'));
    await closed;
    assert.equal(sha256(await readFile(fs, '/orig.bin')), sha256(original));
    assert.deepEqual(await openUploads(s3.client, s3.server.bucket), []);
  });
});

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { FsError } from '@ftpkit/core';
import { S3FileSystem } from '../src/index.js';
import { openUploads, patternBytes, readFile, recordCommands, sha256, useS3rver, writeFile } from './helpers.js';

const MiB = 1024 * 1024;

describe('S3FileSystem uploads', () => {
  const s3 = useS3rver();

  function fsWith(options: { partSize?: number; queueSize?: number } = {}): S3FileSystem {
    return new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, partSize: 5 * MiB, ...options });
  }

  test('a 20 MiB upload goes up in 5 MiB parts, at most queueSize at a time, and stores the right bytes', async () => {
    const probeClient = s3.server.client();
    const log = recordCommands(probeClient);
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: probeClient, partSize: 5 * MiB, queueSize: 2 });
    const data = patternBytes(20 * MiB + 12345, 7);
    await writeFile(fs, '/big.bin', data);
    assert.equal(log.count('CreateMultipartUploadCommand'), 1);
    assert.equal(log.count('UploadPartCommand'), 5);
    assert.equal(log.count('CompleteMultipartUploadCommand'), 1);
    assert.equal(log.count('PutObjectCommand'), 0);
    assert.ok(log.peak('UploadPartCommand') <= 2, `peak ${log.peak('UploadPartCommand')}`);
    const stored = await readFile(fs, '/big.bin');
    assert.equal(stored.length, data.length);
    assert.equal(sha256(stored), sha256(data));
    assert.deepEqual(await openUploads(s3.client, s3.server.bucket), []);
    probeClient.destroy();
  });

  test('a body up to one part is a single PutObject, including an empty one', async () => {
    const probeClient = s3.server.client();
    const log = recordCommands(probeClient);
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: probeClient, partSize: 5 * MiB });
    await writeFile(fs, '/small.txt', 'hello s3');
    await writeFile(fs, '/exact.bin', patternBytes(5 * MiB));
    await writeFile(fs, '/empty', '');
    assert.equal(log.count('PutObjectCommand'), 3);
    assert.equal(log.count('CreateMultipartUploadCommand'), 0);
    assert.equal((await readFile(fs, '/small.txt')).toString(), 'hello s3');
    assert.equal((await fs.stat('/exact.bin')).size, 5 * MiB);
    assert.equal((await fs.stat('/empty')).size, 0);
    probeClient.destroy();
  });

  test("'finish' is emitted only once the object is complete", async () => {
    const fs = fsWith();
    const sink = await fs.write('/finished.bin');
    const data = patternBytes(11 * MiB, 3);
    sink.end(data);
    await once(sink, 'finish');
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'finished.bin' }));
    assert.equal(head.ContentLength, data.length);
  });

  test('destroy(err) mid-upload aborts the multipart upload and keeps the older object', async () => {
    const fs = fsWith({ queueSize: 1 });
    await writeFile(fs, '/keep.bin', 'old content');
    const sink = await fs.write('/keep.bin');
    // Three parts' worth: at least two parts have been sent when the third is accepted.
    for (let i = 0; i < 3; i++) {
      if (!sink.write(patternBytes(5 * MiB, i + 1))) await once(sink, 'drain');
    }
    assert.deepEqual(await openUploads(s3.client, s3.server.bucket), ['keep.bin']);
    sink.on('error', () => undefined);
    sink.destroy(new Error('client went away'));
    await new Promise((resolve) => sink.once('close', resolve));
    assert.equal(sink.errored?.message, 'client went away');
    assert.deepEqual(await openUploads(s3.client, s3.server.bucket), []);
    assert.equal((await readFile(fs, '/keep.bin')).toString(), 'old content');
  });

  test('an aborted signal cancels the upload the same way', async () => {
    const fs = fsWith();
    const controller = new AbortController();
    const sink = await fs.write('/signalled.bin', { signal: controller.signal });
    sink.on('error', () => undefined);
    sink.write(patternBytes(6 * MiB));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = new Promise((resolve) => sink.once('close', resolve));
    controller.abort();
    await closed;
    assert.ok(sink.errored instanceof FsError);
    assert.equal((sink.errored as FsError).code, 'Aborted');
    assert.deepEqual(await openUploads(s3.client, s3.server.bucket), []);
    await assert.rejects(fs.stat('/signalled.bin'), { code: 'NotFound' });
  });

  test('a signal already aborted refuses the write', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(fsWith().write('/never', { signal: controller.signal }), { code: 'Aborted' });
  });

  test('ranged reads start at the offset, read nothing at the end, refuse beyond it', async () => {
    const fs = fsWith();
    const data = patternBytes(1000, 9);
    await writeFile(fs, '/ranged.bin', data);
    assert.deepEqual(await readFile(fs, '/ranged.bin', 0), data);
    assert.deepEqual(await readFile(fs, '/ranged.bin', 600), data.subarray(600));
    assert.equal((await readFile(fs, '/ranged.bin', 1000)).length, 0);
    await assert.rejects(readFile(fs, '/ranged.bin', 1001), { code: 'InvalidArgument' });
  });

  test('a read stream stops when its signal fires', async () => {
    const fs = fsWith();
    await writeFile(fs, '/long.bin', patternBytes(8 * MiB));
    const controller = new AbortController();
    const stream = await fs.read('/long.bin', { signal: controller.signal });
    stream.once('data', () => controller.abort());
    const [err] = (await once(stream, 'error')) as [FsError];
    assert.equal(err.code, 'Aborted');
  });

  test('read and write refuse directories and missing parents', async () => {
    const fs = fsWith();
    await fs.mkdir('/folder');
    await assert.rejects(fs.read('/folder'), { code: 'IsADirectory' });
    await assert.rejects(fs.read('/nothing'), { code: 'NotFound' });
    await assert.rejects(fs.write('/folder'), { code: 'IsADirectory' });
    await assert.rejects(fs.write('/no/such/file'), { code: 'NotFound' });
    await writeFile(fs, '/plain', 'x');
    await assert.rejects(fs.write('/plain/child'), { code: 'NotADirectory' });
  });

  test('bytes from GetObject match what write() stored, also for a multipart object', async () => {
    const fs = fsWith();
    const data = patternBytes(10 * MiB + 1, 11);
    await writeFile(fs, '/check.bin', data);
    const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.server.bucket, Key: 'check.bin' }));
    const bytes = Buffer.from(await out.Body!.transformToByteArray());
    assert.equal(sha256(bytes), sha256(data));
  });
});

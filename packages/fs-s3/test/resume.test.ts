import assert from 'node:assert/strict';
import type { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { FsError } from '@ftpkit/core';
import { MemoryResumeStore, S3FileSystem, keptForResume } from '../src/index.js';
import { patternBytes, readFile, useS3rver, writeFile } from './helpers.js';

const MiB = 1024 * 1024;

/** Resolves once `sink` has closed (its 'error' is expected: the destroy's own). */
function closed(sink: Writable): Promise<void> {
  sink.on('error', () => {});
  return new Promise((resolve) => sink.once('close', () => resolve()));
}

describe('S3 resumable uploads (adapter level)', () => {
  const s3 = useS3rver();

  /** Polls until S3 holds `count` parts of the open upload of `key`. */
  async function partsStored(key: string, count: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const open = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.server.bucket }));
      const upload = (open.Uploads ?? []).find((u) => u.Key === key);
      if (upload) {
        const listed = await s3.client.send(new ListPartsCommand({ Bucket: s3.server.bucket, Key: key, UploadId: upload.UploadId }));
        if ((listed.Parts ?? []).length >= count) return;
      }
      await sleep(25);
    }
    throw new Error(`S3 never held ${count} parts of ${key}`);
  }

  /** Writes `data` to `path`, then destroys the stream as a vanished client would once S3 holds its parts. */
  async function interrupted(fs: S3FileSystem, path: string, key: string, data: Buffer, parts: number): Promise<void> {
    const sink = await fs.write(path);
    await new Promise<void>((resolve, reject) => sink.write(data, (err) => (err ? reject(err) : resolve())));
    await partsStored(key, parts);
    sink.destroy(new FsError('Aborted'));
    await closed(sink);
  }

  test('the memory store forgets entries after their ttl; a ttl below 1 ms is refused', async () => {
    assert.throws(() => new S3FileSystem({ bucket: 'b', resumableUploads: { ttl: 0 } }), /resumableUploads.ttl must be an integer/);
    const store = new MemoryResumeStore();
    await store.set('k', 'v', 40);
    assert.equal(await store.get('k'), 'v');
    await sleep(60);
    assert.equal(await store.get('k'), undefined);
  });

  test('an upload destroyed for another reason than the client leaving is aborted, not kept', async () => {
    const store = new MemoryResumeStore();
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'r1', partSize: 5 * MiB, resumableUploads: { store } });
    const sink = await fs.write('/q.bin');
    await new Promise<void>((resolve) => sink.write(patternBytes(11 * MiB), () => resolve()));
    await partsStored('r1/q.bin', 2);
    sink.destroy(new FsError('QuotaExceeded'));
    await closed(sink);
    await assert.rejects(fs.stat('/q.bin'), { code: 'NotFound' });
    const open = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.server.bucket }));
    assert.equal((open.Uploads ?? []).filter((u) => u.Key === 'r1/q.bin').length, 0);
  });

  test('a kept upload that S3 no longer has (swept) is forgotten; after the ttl it is no longer shown', async () => {
    const store = new MemoryResumeStore();
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'r2', partSize: 5 * MiB, resumableUploads: { store, ttl: 60_000 } });
    await interrupted(fs, '/swept.bin', 'r2/swept.bin', patternBytes(11 * MiB), 2);
    assert.equal((await fs.stat('/swept.bin')).size, 10 * MiB);
    const open = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.server.bucket }));
    const upload = (open.Uploads ?? []).find((u) => u.Key === 'r2/swept.bin')!;
    assert.equal(await keptForResume(store, s3.server.bucket, 'r2/swept.bin', upload.UploadId!), true);
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: s3.server.bucket, Key: 'r2/swept.bin', UploadId: upload.UploadId }));
    // REST at the shown size: the upload is gone, the record dropped, and there is no object to extend.
    await assert.rejects(fs.write('/swept.bin', { start: 10 * MiB }), { code: 'InvalidArgument' });
    await assert.rejects(fs.stat('/swept.bin'), { code: 'NotFound' });

    const short = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'r2', partSize: 5 * MiB, resumableUploads: { store, ttl: 1500 } });
    await interrupted(short, '/expired.bin', 'r2/expired.bin', patternBytes(11 * MiB), 2);
    assert.equal((await short.stat('/expired.bin')).size, 10 * MiB);
    await sleep(1600);
    await assert.rejects(short.stat('/expired.bin'), { code: 'NotFound' });
  });

  test('a resume that drops again is kept again with all its parts, then completes', async () => {
    const store = new MemoryResumeStore();
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'r3', partSize: 5 * MiB, resumableUploads: { store } });
    const data = patternBytes(23 * MiB, 11);
    await interrupted(fs, '/twice.bin', 'r3/twice.bin', data.subarray(0, 11 * MiB), 2);
    const sink = await fs.write('/twice.bin', { start: 10 * MiB });
    await new Promise<void>((resolve) => sink.write(data.subarray(10 * MiB, 21 * MiB), () => resolve()));
    await partsStored('r3/twice.bin', 4);
    // S3 lists a part before its UploadPart answer reaches the stream, and the stream keeps
    // only the parts it saw answered: let those answers arrive (a loaded machine needs it).
    await sleep(300);
    sink.destroy(new FsError('Aborted'));
    await closed(sink);
    assert.equal((await fs.stat('/twice.bin')).size, 20 * MiB);
    await writeFile(fs, '/twice.bin', data.subarray(20 * MiB), { start: 20 * MiB });
    assert.ok((await readFile(fs, '/twice.bin')).equals(data));
  });
});

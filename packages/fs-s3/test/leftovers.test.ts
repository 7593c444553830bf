// Leftover multipart uploads on a real S3-compatible server (s3rver): which ones an
// S3FileSystem aborts when it starts and periodically (idle ones under its prefix) and
// which it keeps (young ones, long-running ones still sending parts, other prefixes).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { MemoryResumeStore, resumeRecordKey, S3FileSystem } from '../src/index.js';
import { keepUpload } from '../src/resume.js';
import { abortLeftoverUploads } from '../src/leftover-uploads.js';
import { useS3rver } from './helpers.js';

const HOUR = 3_600_000;

describe('fs-s3 leftover multipart uploads', () => {
  const s3 = useS3rver();

  /** Opens a multipart upload of `key` with one small part; returns its id. */
  async function openUpload(key: string): Promise<string> {
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.server.bucket, Key: key }));
    await s3.client.send(
      new UploadPartCommand({ Bucket: s3.server.bucket, Key: key, UploadId, PartNumber: 1, Body: 'part one' }),
    );
    return UploadId!;
  }

  async function openIds(): Promise<Set<string>> {
    const out = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.server.bucket }));
    return new Set((out.Uploads ?? []).map((u) => u.UploadId!));
  }

  async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(50)) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    }
  }

  it('at start: aborts idle uploads under the prefix, keeps young, active and foreign ones and the older object', async () => {
    const { bucket } = s3.server;
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'users/a/report.csv', Body: 'previous version' }));
    const idle = await openUpload('users/a/report.csv');
    const idleDeep = await openUpload('users/a/x/y/big.iso');
    const young = await openUpload('users/a/young.bin');
    const active = await openUpload('users/a/long-running.bin');
    const foreign = await openUpload('users/b/idle.bin');
    for (const id of [idle, idleDeep, foreign]) await s3.server.backdateUpload(id, 2 * HOUR);
    // Started two hours ago but still sending parts: a live upload, not a leftover.
    await s3.server.backdateUpload(active, 2 * HOUR, { parts: false });

    const fs = new S3FileSystem({ bucket, prefix: 'users/a', client: s3.client, staleUploadAge: HOUR });
    try {
      await eventually('the idle uploads are aborted', async () => {
        const ids = await openIds();
        return !ids.has(idle) && !ids.has(idleDeep);
      });
      const ids = await openIds();
      for (const id of [young, active, foreign]) assert.ok(ids.has(id), id);
      const old = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'users/a/report.csv' }));
      assert.equal(await old.Body!.transformToString(), 'previous version');
    } finally {
      await fs.close();
    }
  });

  it('periodically while open, and not after close(); staleUploadAge false never aborts', async () => {
    const { bucket } = s3.server;
    const fs = new S3FileSystem({ bucket, prefix: 'p', client: s3.client, staleUploadAge: HOUR, sweepInterval: 200 });
    await sleep(100);
    const later = await openUpload('p/crashed-worker.bin');
    await s3.server.backdateUpload(later, 2 * HOUR);
    await eventually('the next sweep aborts it', async () => !(await openIds()).has(later), 3000);

    await fs.close();
    const afterClose = await openUpload('p/after-close.bin');
    await s3.server.backdateUpload(afterClose, 2 * HOUR);
    const keeping = new S3FileSystem({ bucket, prefix: 'p', client: s3.client, staleUploadAge: false, sweepInterval: 100 });
    await sleep(600);
    assert.ok((await openIds()).has(afterClose), 'kept after close() and with staleUploadAge false');
    await keeping.close();
  });

  it('pages through ListMultipartUploads, several uploads of one key included', async () => {
    const { bucket } = s3.server;
    const idle: string[] = [];
    for (const key of ['q/a', 'q/a', 'q/a', 'q/b', 'q/c/d']) idle.push(await openUpload(key));
    const active = await openUpload('q/b');
    for (const id of idle) await s3.server.backdateUpload(id, 2 * HOUR);
    const signal = new AbortController().signal;
    const aborted = await abortLeftoverUploads({ client: s3.client, bucket, prefix: 'q/', maxAge: HOUR, signal, pageSize: 2 });
    assert.equal(aborted, idle.length);
    const ids = await openIds();
    assert.ok(ids.has(active) && idle.every((id) => !ids.has(id)));
  });

  it('keeps an idle upload that waits for its resume (resumableUploads), aborts it once its record is gone', async () => {
    const { bucket } = s3.server;
    const store = new MemoryResumeStore();
    const waiting = await openUpload('r/dropped-partner-upload.bin');
    await s3.server.backdateUpload(waiting, 2 * HOUR);
    await keepUpload({ client: s3.client, bucket, store, ttlMs: HOUR }, 'r/dropped-partner-upload.bin', {
      uploadId: waiting,
      parts: [{ PartNumber: 1, ETag: 'etag', Size: 8 }],
    });
    const fs = new S3FileSystem({ bucket, prefix: 'r', client: s3.client, staleUploadAge: HOUR, sweepInterval: 200, resumableUploads: { store } });
    try {
      await sleep(600); // the first sweeps ran
      assert.ok((await openIds()).has(waiting), 'an upload kept for a resume is not a leftover');
      await store.delete(resumeRecordKey(bucket, 'r/dropped-partner-upload.bin'));
      await eventually('the next sweep aborts it', async () => !(await openIds()).has(waiting), 3000);
    } finally {
      await fs.close();
    }
  });

  it('refuses bad durations', () => {
    const { bucket } = s3.server;
    assert.throws(() => new S3FileSystem({ bucket, client: s3.client, staleUploadAge: -5 }), RangeError);
    assert.throws(() => new S3FileSystem({ bucket, client: s3.client, sweepInterval: Infinity }), RangeError);
  });
});

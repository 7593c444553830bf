/**
 * Uploads into fs-s3 that never finish: a client killed mid-upload (curl, SIGKILL), a
 * client whose sockets vanish, and ABOR. Each must leave no multipart upload open in
 * the bucket, keep the older object at that key, and report the transfer as aborted.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TransferResult } from '@ftpkit/core';
import { S3FileSystem } from '@ftpkit/fs-s3';
import { startS3rver, type S3rverInstance } from '../../packages/fs-s3/test/s3rver.js';
import { startTransfer } from '../support/data.js';
import { useServer } from '../support/fixture.js';
import { skipUnless } from '../support/process.js';
import type { RawClient } from '../support/raw-client.js';

const MiB = 1024 * 1024;
/** Half of a 24 MiB file: more than two 5 MiB parts, so a multipart upload is open. */
const HALF = Buffer.alloc(12 * MiB, 0xab);
const OLD = 'the older object, which must survive\n';

let s3: S3rverInstance;
let client: S3Client;
before(async () => {
  s3 = await startS3rver();
  client = s3.client();
});
after(async () => {
  client.destroy();
  await s3.stop();
});

async function openUploads(): Promise<string[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
  return (out.Uploads ?? []).map((u) => u.Key ?? '');
}

/** Polls until `check` holds (S3 work finishes after the FTP side has ended). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

async function objectText(key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return out.Body!.transformToString();
}

describe('fs-s3: uploads cut off mid-way', { timeout: 30_000 }, () => {
  const t = useServer(async () => ({
    fs: new S3FileSystem({ bucket: s3.bucket, client, partSize: 5 * MiB, queueSize: 2 }),
  }));

  /** Puts the older object at `key`; `ended` is the next transfer's outcome. */
  async function prepare(key: string): Promise<{ ended: Promise<TransferResult> }> {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: OLD }));
    return { ended: new Promise((resolve) => t.server.server.once('transfer-end', ({ result }) => resolve(result))) };
  }

  /** A raw client that has sent half of an upload of `key`, once its multipart upload is open. */
  async function halfUploaded(key: string): Promise<{ ftp: RawClient; socket: Socket }> {
    const ftp = await t.connect();
    await ftp.send('TYPE I');
    const { socket } = await startTransfer(ftp, `STOR /${key}`);
    socket.write(HALF);
    await eventually('the multipart upload is open', async () => (await openUploads()).includes(key));
    return { ftp, socket };
  }

  /** After the cut: aborted, no parts left, the older object as it was. */
  async function assertCleanAbort(key: string, ended: Promise<TransferResult>): Promise<void> {
    const result = await ended;
    assert.equal(result.status, 'aborted');
    assert.ok(result.bytes >= 5 * MiB && result.bytes < 24 * MiB, `${result.bytes} bytes reported`);
    await eventually('no multipart upload is open', async () => (await openUploads()).length === 0);
    assert.equal(await objectText(key), OLD);
  }

  it('curl killed with SIGKILL mid-upload', { skip: skipUnless('curl') }, async () => {
    const key = 'killed-curl.bin';
    const { ended } = await prepare(key);
    const curl = spawn('curl', ['-sS', '--user', 'user:pass', '-T', '-', `ftp://127.0.0.1:${t.port}/${key}`], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    curl.stdin.on('error', () => {});
    curl.stdin.write(HALF); // and then nothing more: curl waits for the rest of stdin
    await eventually('the multipart upload is open', async () => (await openUploads()).includes(key));
    curl.kill('SIGKILL');
    await once(curl, 'exit');
    await assertCleanAbort(key, ended);
  });

  it('a client whose control and data connections are destroyed mid-upload', async () => {
    const key = 'vanished.bin';
    const { ended } = await prepare(key);
    const { ftp, socket } = await halfUploaded(key);
    socket.destroy();
    ftp.close();
    await assertCleanAbort(key, ended);
  });

  it('ABOR mid-upload: 426 then 226, and the session goes on', async () => {
    const key = 'aborted.bin';
    const { ended } = await prepare(key);
    const { ftp, socket } = await halfUploaded(key);
    ftp.write('ABOR\r\n');
    assert.deepEqual([(await ftp.read()).code, (await ftp.read()).code], [426, 226]);
    socket.destroy();
    await assertCleanAbort(key, ended);
    assert.equal((await ftp.send(`SIZE /${key}`)).text, `213 ${OLD.length}`);
  });
});

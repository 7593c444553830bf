/**
 * The `ftpkit` program on S3 (s3rver), SIGKILLed two seconds into an upload that
 * replaces an object, then started again. Meanwhile a second program on the same bucket
 * prefix has a long-running upload in progress. What clients and the bucket must see:
 * the older object intact throughout, the crashed server's multipart upload aborted by
 * the restarted server once it is idle longer than `staleUploadAge`, and the other
 * server's upload (started long ago, but still sending parts) kept and completed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3rver, type S3rverInstance } from '../../packages/fs-s3/test/s3rver.js';
import { beginUpload, eventually, keepSending, PASS, sigkill, startProgram, USER, type Program } from '../support/crashed-upload.js';
import { download } from '../support/data.js';
import { RawClient } from '../support/raw-client.js';

// The program takes credentials from the standard AWS environment.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';

const MiB = 1024 * 1024;
/** More than the program's 8 MiB part size, so a multipart upload is open. */
const FIRST = Buffer.alloc(9 * MiB, 0x5a);
const CHUNK = Buffer.alloc(64 * 1024, 0x33);
const OLD = 'the older object, which must survive\n';
const MINUTE = 60_000;

describe('fs-s3: a server killed mid-upload, restarted', { timeout: 90_000 }, () => {
  let s3: S3rverInstance;
  let client: S3Client;
  let dir = '';
  const running: Program[] = [];
  before(async () => {
    s3 = await startS3rver();
    client = s3.client();
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-crash-s3-'));
  });
  after(async () => {
    for (const program of running) await program.stop();
    client.destroy();
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A program on the bucket's `ftp/` prefix; `sweepInterval` in seconds, uploads idle for a minute are leftovers. */
  async function start(name: string, sweepInterval: number): Promise<Program> {
    const storage = { type: 's3', bucket: s3.bucket, prefix: 'ftp', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true };
    const program = await startProgram(dir, name, { storage: { ...storage, staleUploadAge: 60, sweepInterval } });
    running.push(program);
    return program;
  }

  /** Open multipart uploads by key. */
  async function uploads(): Promise<Map<string, string>> {
    const out = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
    return new Map((out.Uploads ?? []).map((u) => [u.Key!, u.UploadId!]));
  }

  async function object(key: string): Promise<Buffer> {
    const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  it('keeps the older object, aborts the crashed upload after the restart, keeps the live one', async () => {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'ftp/report.bin', Body: OLD }));
    // The other server sweeps only at its own start.
    const [other, victim] = await Promise.all([start('other', 0), start('victim', 0.3)]);
    const live = await beginUpload(other.port, '/other.bin', FIRST);
    let liveBytes = FIRST.length;
    await eventually('the live upload is a multipart upload', async () => (await uploads()).has('ftp/other.bin'));

    const doomed = await beginUpload(victim.port, '/report.bin', FIRST);
    await eventually('the doomed upload is a multipart upload', async () => (await uploads()).has('ftp/report.bin'));
    await keepSending(doomed, CHUNK, 2000);
    await sigkill(victim);
    running.splice(running.indexOf(victim), 1);
    doomed.socket.destroy();
    doomed.client.close();

    const open = await uploads();
    const crashed = open.get('ftp/report.bin');
    assert.ok(crashed, 'the crash left its multipart upload open');
    assert.equal((await object('ftp/report.bin')).toString(), OLD, 'the older object is intact after the crash');

    // Time passes: the crashed upload has been idle for two minutes; the other one was
    // started as long ago but keeps sending parts.
    await s3.backdateUpload(crashed, 2 * MINUTE);
    await s3.backdateUpload(open.get('ftp/other.bin')!, 2 * MINUTE, { parts: false });
    liveBytes += await keepSending(live, CHUNK, 200);

    const restarted = await start('victim', 0.3);
    await eventually('the restarted server aborts the leftover', async () => !(await uploads()).has('ftp/report.bin'));
    await sleep(1000); // several more sweeps of the restarted server
    assert.deepEqual([...(await uploads()).keys()], ['ftp/other.bin'], 'the live upload of the other server is kept');

    liveBytes += await keepSending(live, CHUNK, 200);
    live.socket.end();
    assert.equal((await live.client.read(30_000)).code, 226);
    live.client.close();
    const stored = await object('ftp/other.bin');
    assert.equal(stored.length, liveBytes, 'the live upload completed whole');
    assert.ok(stored.subarray(0, FIRST.length).equals(FIRST) && stored.subarray(FIRST.length).every((b) => b === 0x33));
    assert.equal((await uploads()).size, 0);

    const { client: ftp } = await RawClient.connect(restarted.port);
    await ftp.login(USER, PASS);
    await ftp.send('TYPE I');
    assert.equal((await download(ftp, 'RETR /report.bin')).toString(), OLD, 'clients get the older object');
    ftp.close();
  });
});

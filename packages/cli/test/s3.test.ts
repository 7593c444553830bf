import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { startS3rver, type S3rverInstance } from '../../fs-s3/test/s3rver.js';
import { RedisProcess, redisSkip } from '../../../test/support/redis.js';
import { run, startCli } from './support.js';

// The program takes credentials from the standard AWS environment, as users would give them.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';

describe('ftpkit --s3-bucket', () => {
  let s3: S3rverInstance;
  before(async () => {
    s3 = await startS3rver('cli-bucket');
  });
  after(() => s3.stop());

  it('serves a bucket prefix: uploads become objects, listings and downloads come from S3', async () => {
    const cli = await startCli([
      '--port', '0', '--user', 'sam:pw',
      '--s3-bucket', s3.bucket, '--s3-prefix', 'ftp/home', '--s3-endpoint', s3.endpoint, '--s3-region', 'us-east-1', '--s3-force-path-style',
    ]);
    const client = new Client();
    const s3client = s3.client();
    try {
      assert.match(cli.output(), /S3 bucket cli-bucket\/ftp\/home/);
      await client.access({ host: '127.0.0.1', port: cli.port, user: 'sam', password: 'pw' });
      await client.ensureDir('/reports');
      await client.uploadFrom(Readable.from([Buffer.from('quarterly\n')]), '/reports/q1.txt');
      const object = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'ftp/home/reports/q1.txt' }));
      assert.equal(await object.Body!.transformToString(), 'quarterly\n');
      assert.deepEqual((await client.list('/reports')).map((f) => [f.name, f.size]), [['q1.txt', 10]]);
      const chunks: Buffer[] = [];
      await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), '/reports/q1.txt');
      assert.equal(Buffer.concat(chunks).toString(), 'quarterly\n');
    } finally {
      client.close();
      s3client.destroy();
      await cli.stop();
    }
  });

  it('--s3-preset minio implies path-style requests; an unknown name exits 2', async () => {
    // s3rver answers only path-style requests: without the preset's path style the bucket check fails.
    const cli = await startCli([
      '--port', '0', '--user', 'sam:pw', '--s3-bucket', s3.bucket, '--s3-prefix', 'preset', '--s3-endpoint', s3.endpoint, '--s3-preset', 'minio',
    ]);
    const client = new Client();
    try {
      await client.access({ host: '127.0.0.1', port: cli.port, user: 'sam', password: 'pw' });
      await client.uploadFrom(Readable.from([Buffer.from('via minio\n')]), '/p.txt');
      const chunks: Buffer[] = [];
      await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), '/p.txt');
      assert.equal(Buffer.concat(chunks).toString(), 'via minio\n');
    } finally {
      client.close();
      await cli.stop();
    }
    const bad = await run(['--port', '0', '--s3-bucket', s3.bucket, '--s3-preset', 'gcs']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ftpkit: --s3-preset must be one of aws, minio, r2, b2, got "gcs"/);
  });

  /**
   * Upload 12 of 13 MiB through `uploadPort` until the source stalls and the client goes
   * away (one 8 MiB part is kept), then through `resumePort` wait for SIZE to show the kept
   * bytes, APPE the rest and check the object under `key` is the whole file.
   */
  async function cutOffThenAppend(uploadPort: number, resumePort: number, key: string): Promise<void> {
    const MiB = 1024 * 1024;
    const data = Buffer.alloc(13 * MiB);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    const first = new Client();
    const second = new Client();
    const s3client = s3.client();
    try {
      await first.access({ host: '127.0.0.1', port: uploadPort, user: 'sam', password: 'pw' });
      const stalled = new Readable({ read() {} });
      stalled.push(data.subarray(0, 12 * MiB));
      void first.uploadFrom(stalled, '/big.bin').catch(() => {});
      await second.access({ host: '127.0.0.1', port: resumePort, user: 'sam', password: 'pw' });
      let size = 0;
      for (let i = 0; i < 100 && size !== 8 * MiB; i++) {
        await new Promise((r) => setTimeout(r, 100));
        if (i === 20) first.close();
        size = await second.size('/big.bin').catch(() => 0);
      }
      assert.equal(size, 8 * MiB);
      await second.appendFrom(Readable.from([data.subarray(size)]), '/big.bin');
      const object = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      assert.ok(Buffer.from(await object.Body!.transformToByteArray()).equals(data));
    } finally {
      first.close();
      second.close();
      s3client.destroy();
    }
  }

  const resumable = (prefix: string, ...more: string[]) => [
    '--port', '0', '--user', 'sam:pw', '--s3-bucket', s3.bucket, '--s3-prefix', prefix,
    '--s3-endpoint', s3.endpoint, '--s3-force-path-style', '--s3-resumable-uploads', ...more,
  ];

  it('--s3-resumable-uploads: an upload cut off mid-way shows its kept size and APPE completes it', async () => {
    const cli = await startCli(resumable('resume'));
    try {
      await cutOffThenAppend(cli.port, cli.port, 'resume/big.bin');
    } finally {
      await cli.stop();
    }
  });

  it('--s3-resumable-uploads with --redis: an upload cut off on one node is resumed through another', { skip: redisSkip }, async () => {
    const redis = await RedisProcess.start();
    const [a, b] = await Promise.all([0, 1].map(() => startCli(resumable('fleet-resume', '--redis', redis.url))));
    try {
      // Node B knows of the upload node A kept, from the record in Redis.
      await cutOffThenAppend(a!.port, b!.port, 'fleet-resume/big.bin');
    } finally {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis.stop();
    }
  });

  it('fails at startup with a one-line reason when the bucket is unusable', async () => {
    const { code, stderr } = await run(['--port', '0', '--s3-bucket', 'no-such-bucket', '--s3-endpoint', s3.endpoint, '--s3-force-path-style']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^ftpkit: cannot use S3 bucket no-such-bucket: /);
    assert.equal(stderr.trim().split('\n').length, 1);
  });
});

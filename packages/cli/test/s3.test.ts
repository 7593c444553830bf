import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { startS3rver, type S3rverInstance } from '../../fs-s3/test/s3rver.js';
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

  it('--s3-preset minio implies path-style requests; b2 stores and serves files; an unknown name exits 2', async () => {
    for (const preset of ['minio', 'b2']) {
      const args = ['--port', '0', '--user', 'sam:pw', '--s3-bucket', s3.bucket, '--s3-prefix', `preset-${preset}`, '--s3-endpoint', s3.endpoint];
      // s3rver answers only path-style requests: without the preset's path style the bucket check fails.
      const cli = await startCli([...args, '--s3-preset', preset, ...(preset === 'b2' ? ['--s3-force-path-style'] : [])]);
      const client = new Client();
      try {
        await client.access({ host: '127.0.0.1', port: cli.port, user: 'sam', password: 'pw' });
        await client.uploadFrom(Readable.from([Buffer.from(`via ${preset}\n`)]), '/p.txt');
        const chunks: Buffer[] = [];
        await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), '/p.txt');
        assert.equal(Buffer.concat(chunks).toString(), `via ${preset}\n`);
      } finally {
        client.close();
        await cli.stop();
      }
    }
    const bad = await run(['--port', '0', '--s3-bucket', s3.bucket, '--s3-preset', 'gcs']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ftpkit: --s3-preset must be one of aws, minio, r2, b2, got "gcs"/);
  });

  it('fails at startup with a one-line reason when the bucket is unusable', async () => {
    const { code, stderr } = await run(['--port', '0', '--s3-bucket', 'no-such-bucket', '--s3-endpoint', s3.endpoint, '--s3-force-path-style']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^ftpkit: cannot use S3 bucket no-such-bucket: /);
    assert.equal(stderr.trim().split('\n').length, 1);
  });
});

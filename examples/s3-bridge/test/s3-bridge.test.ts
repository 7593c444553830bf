/**
 * Runs the bridge against s3rver with two users and drives it with basic-ftp: uploads
 * land under `users/<name>/`, and neither user can list or read the other's files (or
 * anything else in the bucket), whatever path they try.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Client } from 'basic-ftp';
import { startS3rver, type S3rverInstance } from '../../../packages/fs-s3/test/s3rver.js';
import { parseUsers, start, type RunningBridge } from '../src/server.js';

const users = parseUsers('alice:a-pw,bob:b-pw');

async function login(port: number, user: string, password: string): Promise<Client> {
  const client = new Client();
  await client.access({ host: '127.0.0.1', port, user, password });
  return client;
}

async function download(client: Client, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  await client.downloadTo(new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }), path);
  return Buffer.concat(chunks).toString();
}

describe('s3-bridge example', () => {
  let s3: S3rverInstance;
  let s3client: S3Client;
  let bridge: RunningBridge;
  let alice: Client;
  let bob: Client;

  before(async () => {
    s3 = await startS3rver('bridge-bucket');
    s3client = s3.client();
    // Something outside every user's prefix, which nobody may reach.
    await s3client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'private.txt', Body: 'not for users' }));
    bridge = await start({ port: 0, bucket: s3.bucket, clientConfig: s3.clientConfig, users });
    alice = await login(bridge.port, 'alice', 'a-pw');
    bob = await login(bridge.port, 'bob', 'b-pw');
    await alice.ensureDir('/reports');
    await alice.uploadFrom(Readable.from([Buffer.from('alice q1\n')]), '/reports/q1.txt');
    await bob.uploadFrom(Readable.from([Buffer.from('bob notes\n')]), '/notes.txt');
  });
  after(async () => {
    alice?.close();
    bob?.close();
    await bridge?.close();
    s3client?.destroy();
    await s3?.stop();
  });

  it('stores each upload under users/<name>/', async () => {
    const out = await s3client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    assert.deepEqual(
      (out.Contents ?? []).map((o) => o.Key).sort(),
      ['private.txt', 'users/alice/reports/', 'users/alice/reports/q1.txt', 'users/bob/notes.txt'],
    );
    const object = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'users/alice/reports/q1.txt' }));
    assert.equal(await object.Body!.transformToString(), 'alice q1\n');
  });

  it('shows each user only their own prefix', async () => {
    assert.deepEqual((await alice.list('/')).map((f) => f.name), ['reports']);
    assert.deepEqual((await bob.list('/')).map((f) => f.name), ['notes.txt']);
    assert.equal(await download(alice, '/reports/q1.txt'), 'alice q1\n');
    assert.equal(await download(bob, '/notes.txt'), 'bob notes\n');
  });

  it('keeps bob out of alice’s files and the rest of the bucket', async () => {
    for (const path of ['/reports/q1.txt', '/../alice/reports/q1.txt', '../../users/alice/reports/q1.txt', '/../../private.txt']) {
      await assert.rejects(download(bob, path), /550/, path);
    }
    await bob.cd('/../..');
    assert.equal(await bob.pwd(), '/');
    assert.deepEqual((await bob.list('/..')).map((f) => f.name), ['notes.txt']);
    await assert.rejects(bob.list('/reports'), /550|450/);
    // An upload aimed at alice's folder lands in bob's own prefix.
    await assert.rejects(bob.uploadFrom(Readable.from([Buffer.from('x')]), '/../alice/x.txt'), /550/, 'no /alice in bob’s tree');
    await bob.ensureDir('/alice');
    await bob.uploadFrom(Readable.from([Buffer.from('from bob')]), '/../alice/x.txt');
    const keys = async (prefix: string) =>
      ((await s3client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key).sort();
    assert.deepEqual(await keys('users/alice/'), ['users/alice/reports/', 'users/alice/reports/q1.txt']);
    assert.deepEqual(await keys('users/bob/alice/'), ['users/bob/alice/', 'users/bob/alice/x.txt']);
  });

  it('refuses unknown users and wrong passwords', async () => {
    await assert.rejects(login(bridge.port, 'alice', 'b-pw'), /530/);
    await assert.rejects(login(bridge.port, 'carol', 'x'), /530/);
  });

  it('runs as a program configured from the environment', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@ftpkit/source', '--import', 'tsx', main], {
      env: {
        ...process.env,
        PORT: '0',
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: '1',
        S3_BRIDGE_USERS: 'carol:c-pw',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let output = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          output += c;
          const m = /listening on ftp:\/\/127\.0\.0\.1:(\d+)/.exec(output);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const carol = await login(port, 'carol', 'c-pw');
      await carol.uploadFrom(Readable.from([Buffer.from('hi')]), 'hello.txt');
      carol.close();
      const object = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'users/carol/hello.txt' }));
      assert.equal(await object.Body!.transformToString(), 'hi');
      await assert.rejects(login(port, 'alice', 'alice-secret'), /530/, 'the demo users are replaced');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});

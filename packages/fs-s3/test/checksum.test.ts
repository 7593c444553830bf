import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3FileSystem } from '../src/index.js';
import { patternBytes, recordCommands, sha256, useS3rver, writeFile } from './helpers.js';

const MiB = 1024 * 1024;

describe('S3 stored checksums (HASH)', () => {
  const s3 = useS3rver();

  test('a single-request upload carries its SHA-256; hash() reads it back with one HeadObject', async () => {
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'sum' });
    const data = patternBytes(100_000, 3);
    await writeFile(fs, '/one.bin', data);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'sum/one.bin', ChecksumMode: 'ENABLED' }),
    );
    assert.equal(Buffer.from(head.ChecksumSHA256 ?? '', 'base64').toString('hex'), sha256(data));
    const log = recordCommands(s3.client);
    assert.equal(await fs.hash('/one.bin', 'SHA-256'), sha256(data));
    assert.deepEqual(log.names, ['HeadObjectCommand']);
    assert.equal(await fs.hash('/one.bin', 'MD5'), undefined, 'S3 stores no MD5 digest to offer');
    // MFMT copies the object onto itself; S3 keeps its checksum.
    await fs.setTimes('/one.bin', new Date('2021-01-01T00:00:00Z'));
    assert.equal(await fs.hash('/one.bin', 'SHA-256'), sha256(data));
  });

  test('a multipart upload, or storeChecksums: false, leaves hash() to the core', async () => {
    const multipart = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'sum', partSize: 5 * MiB });
    await writeFile(multipart, '/multi.bin', patternBytes(6 * MiB, 4));
    assert.equal(await multipart.hash('/multi.bin', 'SHA-256'), undefined);
    const plain = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'sum', storeChecksums: false });
    await writeFile(plain, '/plain.bin', 'no checksum');
    assert.equal(await plain.hash('/plain.bin', 'SHA-256'), undefined);
  });
});

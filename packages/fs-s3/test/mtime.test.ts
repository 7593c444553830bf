import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3FileSystem } from '../src/index.js';
import { formatMtime, parseMtime } from '../src/mtime.js';
import { readFile, recordCommands, useS3rver, writeFile } from './helpers.js';

describe('S3 modification times (MFMT)', () => {
  const s3 = useS3rver();

  test('the mtime metadata is written and read as rclone does', () => {
    assert.equal(formatMtime(new Date('2012-11-27T18:15:05.123Z')), '1354040105.123');
    assert.equal(formatMtime(new Date('2012-11-27T18:15:05.100Z')), '1354040105.1');
    assert.equal(formatMtime(new Date('2012-11-27T18:15:05.000Z')), '1354040105');
    assert.equal(formatMtime(new Date(-1500)), '-1.5');
    assert.equal(parseMtime('1354040105.123456789')?.toISOString(), '2012-11-27T18:15:05.123Z');
    assert.equal(parseMtime('1354040105')?.toISOString(), '2012-11-27T18:15:05.000Z');
    assert.equal(parseMtime('-1.5')?.getTime(), -1500);
    for (const bad of ['', 'abc', '1e9', '12.', undefined]) assert.equal(parseMtime(bad), undefined, String(bad));
  });

  test('setTimes stores mtime in the metadata by a copy onto itself; stat shows it, list keeps LastModified', async () => {
    const log = recordCommands(s3.client);
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'mtime' });
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.server.bucket,
        Key: 'mtime/doc.txt',
        Body: 'document',
        ContentType: 'text/plain',
        Metadata: { owner: 'alice' },
      }),
    );
    const when = new Date('2020-02-29T23:59:58.250Z');
    await fs.setTimes('/doc.txt', when);
    assert.equal(log.count('CopyObjectCommand'), 1);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'mtime/doc.txt' }));
    assert.equal(head.Metadata?.mtime, '1583020798.25');
    assert.equal(head.Metadata?.owner, 'alice', 'other metadata is kept');
    assert.equal(head.ContentType, 'text/plain', 'the content type is kept');
    assert.equal((await readFile(fs, '/doc.txt')).toString(), 'document');
    assert.equal((await fs.stat('/doc.txt')).mtime.toISOString(), when.toISOString());
    const listed = [];
    for await (const entry of fs.list('/')) listed.push(entry);
    assert.equal(listed.length, 1);
    assert.ok(Math.abs(listed[0]!.mtime.getTime() - Date.now()) < 60_000, 'listings show LastModified');
  });

  test('an mtime written by another tool (rclone) is shown; an overwrite drops it', async () => {
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'rclone' });
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.server.bucket, Key: 'rclone/a.bin', Body: 'a', Metadata: { mtime: '1354040105.123456789' } }),
    );
    assert.equal((await fs.stat('/a.bin')).mtime.toISOString(), '2012-11-27T18:15:05.123Z');
    await writeFile(fs, '/a.bin', 'new content');
    assert.ok(Math.abs((await fs.stat('/a.bin')).mtime.getTime() - Date.now()) < 60_000);
  });

  test('setTimes of a missing file or a directory fails with NotFound / Unsupported', async () => {
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'mtime-errors' });
    await fs.mkdir('/dir');
    await assert.rejects(fs.setTimes('/missing', new Date()), { code: 'NotFound' });
    await assert.rejects(fs.setTimes('/dir', new Date()), { code: 'Unsupported' });
  });
});

/**
 * MFMT and HASH over the wire on fs-s3 (real s3rver): MFMT keeps the time in the
 * object's `mtime` metadata, shown by MDTM and MLST; HASH of an object uploaded in one
 * request answers from S3's stored SHA-256 without reading the object.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3FileSystem } from '@ftpkit/fs-s3';
import { patternBytes, recordCommands, sha256, useS3rver } from '../../packages/fs-s3/test/helpers.js';
import { upload } from '../support/data.js';
import { useServer } from '../support/fixture.js';

const s3 = useS3rver();

describe('fs-s3 over FTP: MFMT and HASH', () => {
  const t = useServer(async () => ({ fs: new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: 'wire' }) }));

  it('MFMT sets the time MDTM and MLST show, stored as rclone stores it', async () => {
    const ftp = await t.connect();
    await upload(ftp, 'STOR /report.csv', 'a,b\n1,2\n');
    assert.equal((await ftp.send('MFMT 20240131120000 /report.csv')).text, '213 Modify=20240131120000; /report.csv');
    assert.equal((await ftp.send('MDTM /report.csv')).text, '213 20240131120000');
    assert.match((await ftp.send('MLST /report.csv')).text, /modify=20240131120000;/);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'wire/report.csv' }));
    assert.equal(head.Metadata?.mtime, String(Date.UTC(2024, 0, 31, 12) / 1000));
  });

  it('HASH of a one-request upload costs one HeadObject, no GetObject', async () => {
    const ftp = await t.connect();
    const data = patternBytes(300_000, 9);
    await ftp.send('TYPE I');
    await upload(ftp, 'STOR /photo.jpg', data);
    const log = recordCommands(s3.client);
    const before = log.names.length;
    assert.equal((await ftp.send('HASH /photo.jpg')).text, `213 SHA-256 0-${data.length} ${sha256(data)} /photo.jpg`);
    const during = log.names.slice(before);
    assert.equal(during.filter((n) => n === 'GetObjectCommand').length, 0, during.join(','));
    // MD5 is not stored by S3: the core reads the object.
    await ftp.send('OPTS HASH MD5');
    const md5 = (await ftp.send('HASH /photo.jpg')).text.split(' ')[3];
    assert.equal(md5, createHash('md5').update(data).digest('hex'));
    assert.equal(log.names.slice(before).filter((n) => n === 'GetObjectCommand').length, 1);
  });
});

/**
 * A download is one GetObject: the read stream's fileStat comes from the GET's headers
 * (Content-Length, or the total of Content-Range for a REST offset), so RETR over FTP
 * makes no HeadObject of its own.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { Client } from 'basic-ftp';
import { FULL_ACCESS, FtpServer, type ReadStream } from '@ftpkit/core';
import { S3FileSystem } from '../src/index.js';
import { patternBytes, readFile, recordCommands, useS3rver, writeFile } from './helpers.js';

describe('S3FileSystem downloads', () => {
  const s3 = useS3rver();
  const data = patternBytes(300_000, 3);

  test("read's fileStat gives the whole object's size and time, from the GET alone", async () => {
    const client = s3.server.client();
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client });
    await writeFile(fs, '/whole.bin', data);
    const stat = await fs.stat('/whole.bin');
    const log = recordCommands(client);
    for (const start of [0, 100_000]) {
      const stream: ReadStream = await fs.read('/whole.bin', { start });
      stream.destroy();
      assert.deepEqual(stream.fileStat, stat, `from ${start}`);
    }
    assert.deepEqual(log.names, ['GetObjectCommand', 'GetObjectCommand']);
    assert.ok((await readFile(fs, '/whole.bin', 100_000)).equals(data.subarray(100_000)));
  });

  test('RETR over FTP is one GetObject and no HeadObject', async () => {
    const client = s3.server.client();
    const fs = new S3FileSystem({ bucket: s3.server.bucket, client });
    await writeFile(fs, '/ftp.bin', data);
    const server = new FtpServer({
      host: '127.0.0.1',
      port: 0,
      authenticate: () => ({ fs, permissions: FULL_ACCESS }),
    });
    await server.listen();
    const ftp = new Client();
    try {
      await ftp.access({ host: '127.0.0.1', port: server.address!.port, user: 'u', password: 'p' });
      const log = recordCommands(client);
      const chunks: Buffer[] = [];
      await ftp.downloadTo(new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) }), '/ftp.bin');
      assert.ok(Buffer.concat(chunks).equals(data));
      assert.equal(log.count('GetObjectCommand'), 1);
      assert.equal(log.count('HeadObjectCommand'), 0);
    } finally {
      ftp.close();
      await server.close();
    }
  });
});

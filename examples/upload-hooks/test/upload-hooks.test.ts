/** Starts the upload-hooks example and uploads over the wire with basic-ftp. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { start, type ProcessedUpload, type RunningExample } from '../src/server.js';

async function download(client: Client, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk);
      done();
    },
  });
  await client.downloadTo(sink, path);
  return Buffer.concat(chunks);
}

describe('upload-hooks example', () => {
  let app: RunningExample;
  let client: Client;
  const processed: ProcessedUpload[] = [];

  before(async () => {
    app = await start({ port: 0, onProcessed: (u) => processed.push(u) });
    client = new Client();
    await client.access({ host: '127.0.0.1', port: app.port, user: 'upload', password: 'upload' });
  });
  after(async () => {
    client.close();
    await app.close();
  });

  it('moves a completed upload to /processed with its SHA-256 beside it, before the 226', async () => {
    const data = randomBytes(300_000);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const reply = await client.uploadFrom(Readable.from([data]), 'scan.pdf');
    assert.equal(reply.code, 226);
    // Already processed when the client got its 226.
    assert.deepEqual(processed.at(-1), { username: 'upload', path: '/processed/scan.pdf', bytes: data.length, sha256 });
    assert.deepEqual(await download(client, '/processed/scan.pdf'), data);
    assert.equal((await download(client, '/processed/scan.pdf.sha256')).toString(), `${sha256}  scan.pdf\n`);
    assert.deepEqual((await client.list('/')).map((f) => f.name), ['processed']);
  });

  it('refuses .exe uploads before storing anything', async () => {
    await assert.rejects(client.uploadFrom(Readable.from([Buffer.from('MZ')]), 'Setup.EXE'), /553 Executable files are not accepted/);
    assert.deepEqual((await client.list('/')).map((f) => f.name), ['processed']);
    const reply = await client.uploadFrom(Readable.from([Buffer.from('ok')]), 'after.txt');
    assert.equal(reply.code, 226);
  });
});

// A small file's download stream writes its buffer to the data connection itself (a
// direct send): the bytes from the REST offset, counted; an abort while the client does
// not read closes the connection and rejects; a stream read already declines.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { directSendOf, isFsError } from '@ftpkit/core';
import { LocalFileSystem } from '../src/index.js';
import { bufferStream } from '../src/read-streams.js';
import { makeTempDir, removeDir } from './helpers.js';

/** A connected pair: `server` as a data connection, `client` as the FTP client's end. */
async function socketPair(): Promise<{ server: Socket; client: Socket }> {
  const listener = createServer().listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect((listener.address() as { port: number }).port, '127.0.0.1');
  const [server] = await accepted;
  listener.close();
  return { server, client };
}

function received(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return once(socket, 'end').then(() => Buffer.concat(chunks));
}

describe('the small-file download stream', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir();
  });
  afterEach(() => removeDir(root));

  test('sends the bytes from the offset into the socket, counted', async () => {
    const body = Buffer.from('0123456789abcdef'.repeat(256));
    await writeFile(join(root, 'small.bin'), body);
    const fs = new LocalFileSystem({ root });
    const stream = await fs.read('/small.bin', { start: 100 });
    const { server, client } = await socketPair();
    try {
      const bytes = received(client);
      let counted = 0;
      const send = directSendOf(stream)?.(server, { signal: new AbortController().signal, count: (n) => (counted += n) });
      assert.ok(send, 'the direct send was offered');
      assert.equal(await send, true);
      server.end();
      assert.deepEqual(await bytes, body.subarray(100));
      assert.equal(counted, body.length - 100);
    } finally {
      stream.destroy();
      server.destroy();
      client.destroy();
    }
  });

  test('an abort while the client does not read closes the connection and rejects', async () => {
    const { server, client } = await socketPair();
    client.pause();
    // Far more than the socket buffers hold, so the write stays pending.
    const stream = bufferStream(Buffer.alloc(64 * 1024 * 1024, 1));
    try {
      const abort = new AbortController();
      const send = directSendOf(stream)?.(server, { signal: abort.signal, count: () => {} });
      assert.ok(send, 'the direct send was offered');
      abort.abort();
      await assert.rejects(send, (err) => isFsError(err, 'Aborted'));
      assert.ok(server.destroyed, 'the data connection was closed');
    } finally {
      stream.destroy();
      server.destroy();
      client.destroy();
    }
  });

  test('declines once the stream has been read', async () => {
    const stream = bufferStream(Buffer.from('hello'));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'hello');
    const { server, client } = await socketPair();
    try {
      assert.equal(directSendOf(stream)?.(server, { signal: new AbortController().signal, count: () => {} }), undefined);
    } finally {
      server.destroy();
      client.destroy();
    }
  });
});

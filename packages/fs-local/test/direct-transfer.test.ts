// The direct receive of an upload whose file refuses splice (the kernel's EINVAL for a
// file opened O_APPEND, as some FUSE and network file systems answer for every file):
// it resolves false with the bytes it took stored and counted, and the stream writes the
// rest after them once the socket is piped into it, which reads the socket again.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, describe, test } from 'node:test';
import { directReceiveOf } from '@ftpkit/core';
import { withDirectReceive } from '../src/direct-transfer.js';
import { fileCalls } from '../src/file-calls.js';
import { nativeModule } from '../src/native-module.js';
import { FileUpload } from '../src/upload.js';
import { skipWithoutAddon } from './helpers.js';

const native = await nativeModule();
const skip = skipWithoutAddon(native?.canTransfer());

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('a direct receive the file refuses', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-local-refused-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('stores what it took, resolves false, and the stream writes the rest after it', async () => {
    const listener = createServer({ pauseOnConnect: true }).listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const accepted = once(listener, 'connection') as Promise<[Socket]>;
    const client = connect((listener.address() as { port: number }).port, '127.0.0.1');
    const [socket] = await accepted;
    listener.close();
    const target = join(dir, 'refused.bin');
    writeFileSync(target, '');
    const fd = openSync(target, 'a');
    const calls = fileCalls(true, 64 * 1024);
    const upload = new FileUpload(
      { fd, calls, position: 0, fsync: false, commit: async () => {}, abort: async () => {}, release: async () => {} },
      1024 * 1024,
    );
    try {
      withDirectReceive(upload, native!);
      const body = randomBytes(3 * 1024 * 1024 + 17);
      client.end(body);
      let counted = 0;
      const direct = directReceiveOf(upload)?.(socket, { signal: new AbortController().signal, count: (n) => (counted += n) });
      assert.ok(direct, 'the receive was offered');
      assert.equal(await direct, false);
      assert.ok(counted > 0, 'bytes were taken from the socket and counted');
      assert.equal(readFileSync(target).length, counted, 'every byte taken is in the file');
      await pipeline(socket, upload);
      assert.equal(sha256(readFileSync(target)), sha256(body));
    } finally {
      socket.destroy();
      client.destroy();
      if (!upload.writableFinished) upload.destroy(); // which closes the file
    }
  });
});

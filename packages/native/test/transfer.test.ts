/**
 * sendFile and receiveFile as their users see them, over real loopback TCP: exact bytes
 * from any offset; a peer slower than the socket (the waits for room and for data); an
 * abort while the socket is full or empty; a client that resets; the caller closing its
 * file meanwhile (the addon's duplicate keeps the right file); bad descriptors; a file
 * that takes no splice (every byte read from the socket still stored); and no descriptor
 * left open afterwards.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { canTransfer, receiveFile, sendFile, TransferRefusedError, transferStats } from '@ftpkit/native';

const MiB = 1024 * 1024;
const disabled = process.env.FTPKIT_NATIVE === '0';
// Under CI on Linux the addon must be there (unless disabled); elsewhere skip with the reason.
const skip = canTransfer() ? false : process.env.CI && !disabled && process.platform === 'linux' ? false : 'sendFile is not available here';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What descriptor `fd` of this process is open on (`socket:[inode]`, a file's path). */
function targetOf(fd: number): string {
  return readlinkSync(`/proc/self/fd/${fd}`);
}

/** How many of this process's descriptors are open on any of `targets`. */
function openOn(targets: string[]): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return targets.includes(targetOf(Number(fd)));
    } catch {
      return false; // closed meanwhile (the directory listing's own descriptor, say)
    }
  }).length;
}

/**
 * A connected pair on loopback: `server` is ours to send into or receive from. With
 * `paused`, Node never reads `server` (as fs-local's passive data connections).
 */
async function pair(paused = false): Promise<{ server: Socket; client: Socket; close(): void }> {
  const listener = createServer({ pauseOnConnect: paused });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect((listener.address() as { port: number }).port, '127.0.0.1');
  const [server] = await accepted;
  listener.close();
  server.on('error', () => {});
  client.on('error', () => {});
  return { server, client, close: () => (server.destroy(), client.destroy()) };
}

/** After a transfer and the test's own closes: the addon's duplicates of the socket and the file are closed too. */
async function assertNoneOpen(targets: string[]): Promise<void> {
  await sleep(50);
  assert.equal(openOn(targets), 0);
}

function fdOf(socket: Socket): number {
  return (socket as Socket & { _handle: { fd: number } })._handle.fd;
}

/** Resolves once `condition` holds (checked every 10 ms; a loaded machine may take a while). */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error('timed out waiting');
    await sleep(10);
  }
}

function collect(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => socket.once('end', () => resolve(Buffer.concat(chunks))));
}

describe('sendFile and receiveFile', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-native-send-'));
  const body = randomBytes(12 * MiB + 777);
  const file = join(dir, 'body.bin');
  writeFileSync(file, body);
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('sends the file from any offset, byte for byte, and reports its progress', async () => {
    for (const start of [0, 1, 65_537, body.length - 10, body.length]) {
      const { server, client, close } = await pair();
      const fd = openSync(file, 'r');
      try {
        const received = collect(client);
        let progress = 0;
        const before = transferStats();
        const sent = await sendFile(fdOf(server), fd, start, { onProgress: (n) => (progress += n), chunkSize: 3 * MiB });
        server.end();
        assert.equal(sent, body.length - start);
        assert.equal(progress, sent);
        assert.equal(sha256(await received), sha256(body.subarray(start)));
        assert.deepEqual(transferStats(), { ...before, sends: before.sends + 1, sentBytes: before.sentBytes + sent });
      } finally {
        closeSync(fd);
        close();
      }
    }
  });

  test('waits for room when the reader is slower than the socket, and leaves no descriptor open', async () => {
    const { server, client, close } = await pair();
    const fd = openSync(file, 'r');
    const targets = [targetOf(fdOf(server)), targetOf(fd)];
    try {
      // A reader that takes 256 KiB every 10 ms, longer than a step waits in its thread:
      // the socket fills up again and again, and each time the wait moves to the event loop.
      const chunks: Buffer[] = [];
      client.pause();
      const reading = setInterval(() => {
        const c = client.read(256 * 1024) as Buffer | null;
        if (c) chunks.push(c);
      }, 10);
      const sent = await sendFile(fdOf(server), fd, 0, { chunkSize: 256 * 1024 });
      server.end();
      client.resume();
      client.on('data', (c: Buffer) => chunks.push(c));
      await once(client, 'end');
      clearInterval(reading);
      assert.equal(sent, body.length);
      assert.equal(sha256(Buffer.concat(chunks)), sha256(body));
    } finally {
      closeSync(fd);
      close();
    }
    await assertNoneOpen(targets);
  });

  test('an abort while the socket is full rejects at once with AbortError, and leaves no descriptor open', async () => {
    const { server, client, close } = await pair();
    const fd = openSync(file, 'r');
    const targets = [targetOf(fdOf(server)), targetOf(fd)];
    try {
      client.pause();
      const controller = new AbortController();
      let progress = 0;
      const sending = sendFile(fdOf(server), fd, 0, { signal: controller.signal, onProgress: (n) => (progress += n) });
      await until(() => progress > 0);
      await sleep(100); // the socket fills up: the send now waits for a reader that never comes
      assert.ok(progress < body.length, `sent ${progress} bytes before the socket filled`);
      const began = performance.now();
      controller.abort();
      await assert.rejects(sending, { name: 'AbortError' });
      // The client never reads (or sends) again: waiting for it would never end.
      assert.ok(performance.now() - began < 2000, 'the abort did not wait for the client');
    } finally {
      closeSync(fd);
      close();
    }
    await assertNoneOpen(targets);
  });

  test('a client that resets gets the send rejected with EPIPE or ECONNRESET', async () => {
    const { server, client, close } = await pair();
    const fd = openSync(file, 'r');
    try {
      client.pause();
      const sending = sendFile(fdOf(server), fd, 0);
      await sleep(100);
      client.resetAndDestroy();
      await assert.rejects(sending, (err: NodeJS.ErrnoException) => ['EPIPE', 'ECONNRESET'].includes(err.code ?? '') && err.syscall === 'sendfile');
    } finally {
      closeSync(fd);
      close();
    }
  });

  test('sends the right file when the caller closes its descriptor meanwhile', async () => {
    const { server, client, close } = await pair();
    const fd = openSync(file, 'r');
    const other = join(dir, 'other.bin');
    writeFileSync(other, Buffer.alloc(body.length, 0));
    try {
      client.pause();
      const sending = sendFile(fdOf(server), fd, 0);
      await sleep(50);
      closeSync(fd);
      // Likely to reuse the number the file had: a send on it would now read zeros.
      const reused = openSync(other, 'r');
      const received = collect(client);
      client.resume();
      await sending;
      server.end();
      assert.equal(sha256(await received), sha256(body));
      closeSync(reused);
    } finally {
      close();
    }
  });

  test('refuses what is not a socket, or not a regular file, without sending anything', async () => {
    const fd = openSync(file, 'r');
    const { server, close } = await pair();
    try {
      await assert.rejects(sendFile(fd, fd, 0), { code: 'ENOTSOCK' });
      await assert.rejects(sendFile(fdOf(server), fdOf(server), 0), { code: 'EINVAL' });
      await assert.rejects(sendFile(fdOf(server), 987_654, 0), { code: 'EBADF' });
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(sendFile(fdOf(server), fd, 0, { signal: controller.signal }), { name: 'AbortError' });
    } finally {
      closeSync(fd);
      close();
    }
  });

  for (const syncBytes of [0, 100_000]) {
    test(`receives into the file at an offset, byte for byte, until the client ends (syncBytes ${syncBytes})`, async () => {
      const target = join(dir, 'received.bin');
      writeFileSync(target, Buffer.alloc(5000, 1));
      const { server, client, close } = await pair(true);
      const fd = openSync(target, 'r+');
      try {
        const before = transferStats();
        let progress = 0;
        const receiving = receiveFile(fdOf(server), fd, 1000, { onProgress: (n) => (progress += n), chunkSize: 2 * MiB, syncBytes });
        client.end(body);
        const stored = await receiving;
        assert.equal(stored, body.length);
        assert.equal(progress, stored);
        const file = readFileSync(target);
        assert.equal(file.length, 1000 + body.length);
        assert.ok(file.subarray(0, 1000).equals(Buffer.alloc(1000, 1)));
        assert.equal(sha256(file.subarray(1000)), sha256(body));
        assert.deepEqual(transferStats(), { ...before, receives: before.receives + 1, receivedBytes: before.receivedBytes + stored });
      } finally {
        closeSync(fd);
        close();
      }
    });
  }

  test('waits for data from a slow sender, and leaves no descriptor open', async () => {
    const target = join(dir, 'slow.bin');
    const { server, client, close } = await pair(true);
    const fd = openSync(target, 'w');
    const targets = [targetOf(fdOf(server)), targetOf(fd)];
    try {
      const receiving = receiveFile(fdOf(server), fd, 0);
      const pieces = 40;
      const piece = body.subarray(0, 64 * 1024);
      for (let i = 0; i < pieces; i++) {
        client.write(piece);
        await sleep(5);
      }
      client.end();
      assert.equal(await receiving, pieces * piece.length);
      assert.equal(sha256(readFileSync(target)), sha256(Buffer.concat(Array.from({ length: pieces }, () => piece))));
    } finally {
      closeSync(fd);
      close();
    }
    await assertNoneOpen(targets);
  });

  test('an abort while the client sends nothing rejects at once with AbortError', async () => {
    const { server, client, close } = await pair(true);
    const fd = openSync(join(dir, 'idle.bin'), 'w');
    try {
      client.write(Buffer.alloc(1000, 7));
      const controller = new AbortController();
      let progress = 0;
      const receiving = receiveFile(fdOf(server), fd, 0, { signal: controller.signal, onProgress: (n) => (progress += n) });
      await until(() => progress === 1000);
      const began = performance.now();
      controller.abort();
      await assert.rejects(receiving, { name: 'AbortError' });
      // The client never reads (or sends) again: waiting for it would never end.
      assert.ok(performance.now() - began < 2000, 'the abort did not wait for the client');
    } finally {
      closeSync(fd);
      close();
    }
  });

  for (const syncBytes of [0, 100_000]) {
    test(`a file that takes no splice gets the bytes read so far by write, then TransferRefusedError (syncBytes ${syncBytes})`, async () => {
      // splice(2) into a file opened O_APPEND fails with EINVAL, as some file systems
      // answer for every file: the kernel refusal the fallback is for.
      const target = join(dir, `append-${syncBytes}.bin`);
      writeFileSync(target, '');
      const { server, client, close } = await pair(true);
      const fd = openSync(target, 'a');
      try {
        let progress = 0;
        const receiving = receiveFile(fdOf(server), fd, 0, { onProgress: (n) => (progress += n), syncBytes });
        client.end(body);
        const refused = await receiving.then(
          () => assert.fail('the receive should have been refused'),
          (err: unknown) => err,
        );
        assert.ok(refused instanceof TransferRefusedError, String(refused));
        assert.equal(refused.code, 'EINVAL');
        assert.equal(refused.syscall, 'splice');
        assert.ok(refused.bytes > 0, 'bytes were taken from the socket before the file refused');
        assert.equal(progress, refused.bytes);
        // Those bytes are in the file; the rest is still in the socket, in order.
        const rest = await collect(server.resume());
        const file = readFileSync(target);
        assert.equal(file.length, refused.bytes);
        assert.equal(sha256(Buffer.concat([file, rest])), sha256(body));
      } finally {
        closeSync(fd);
        close();
      }
    });
  }

  test('a client that resets mid-upload gets the receive rejected', async () => {
    const { server, client, close } = await pair(true);
    const fd = openSync(join(dir, 'reset.bin'), 'w');
    try {
      const receiving = receiveFile(fdOf(server), fd, 0);
      client.write(body.subarray(0, MiB));
      await sleep(50);
      client.resetAndDestroy();
      await assert.rejects(receiving, (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET' && err.syscall === 'splice');
    } finally {
      closeSync(fd);
      close();
    }
  });
});

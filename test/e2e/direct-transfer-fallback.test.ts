/**
 * A direct transfer that finds out only by trying that it cannot move the bytes (the
 * file's file system refused sendfile or splice) resolves false, and the streams carry
 * the transfer on: a download from its start, an upload after the bytes the direct
 * receive had stored. Over FTP, with an adapter whose offers decline that way.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { offerDirectReceive, offerDirectSend, type ReadOptions, type WriteOptions } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { download, upload } from '../support/data.js';
import { useServer } from '../support/fixture.js';

const BODY = randomBytes(300_000);
/** Bytes the refused direct receive takes from the socket and stores before it gives up. */
const TAKEN = 1000;

/** Memory storage whose streams offer direct transfers that refuse once tried. */
class RefusingFileSystem extends MemoryFileSystem {
  sendsTried = 0;
  receivesTried = 0;

  override async read(path: string, options?: ReadOptions): Promise<Readable> {
    return offerDirectSend(await super.read(path, options), async () => {
      this.sendsTried++;
      return false;
    });
  }

  override async write(path: string, options?: WriteOptions): Promise<Writable> {
    const sink = await super.write(path, options);
    return offerDirectReceive(sink, (socket, { count }) => {
      this.receivesTried++;
      return new Promise<boolean>((resolve, reject) => {
        // Take the first bytes from the socket and store them, as the addon does before
        // the file refuses; the core must write the rest after them.
        const take = () => {
          const head = socket.read(TAKEN) as Buffer | null;
          if (!head) return;
          socket.off('readable', take);
          sink.write(head, (err) => (err ? reject(err) : (count(head.length), resolve(false))));
        };
        socket.on('readable', take);
      });
    });
  }
}

describe('direct transfers refused once tried', () => {
  const fs = new RefusingFileSystem({ files: { '/body.bin': BODY } });
  const t = useServer({ fs });

  it('a download whose direct send resolves false is streamed whole', async () => {
    const client = await t.connect();
    assert.equal((await client.send('TYPE I')).code, 200);
    const before = fs.sendsTried;
    const received = await download(client, 'RETR /body.bin');
    assert.equal(fs.sendsTried, before + 1, 'the direct send was tried');
    assert.ok(received.equals(BODY), `${received.length} bytes of ${BODY.length}`);
  });

  it('an upload whose direct receive stored some bytes and resolved false gets the rest after them', async () => {
    const client = await t.connect();
    assert.equal((await client.send('TYPE I')).code, 200);
    const before = fs.receivesTried;
    await upload(client, 'STOR /up.bin', BODY);
    assert.equal(fs.receivesTried, before + 1, 'the direct receive was tried');
    const stored = await download(client, 'RETR /up.bin');
    assert.ok(stored.equals(BODY), `${stored.length} bytes of ${BODY.length}`);
  });
});

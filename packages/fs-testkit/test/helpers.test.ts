import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { FsError } from '@ftpkit/core';
import { expectFsError, readAll, writeToStream } from '@ftpkit/fs-testkit';

describe('fs-testkit helpers', () => {
  it('expectFsError accepts only an FsError with the expected code', async () => {
    const err = await expectFsError(Promise.reject(new FsError('NotFound')), 'NotFound');
    assert.equal(err.code, 'NotFound');
    await expectFsError(() => {
      throw new FsError('NotEmpty');
    }, 'NotEmpty');
    await assert.rejects(expectFsError(Promise.resolve(1), 'NotFound'), /succeeded/);
    await assert.rejects(expectFsError(Promise.reject(new Error('raw')), 'NotFound'), /got Error: raw/);
    await assert.rejects(expectFsError(Promise.reject(new FsError('NotEmpty')), 'NotFound'), /got NotEmpty/);
    await assert.rejects(
      expectFsError(() => {
        throw undefined;
      }, 'NotFound'),
      /got undefined/,
    );
  });

  it('writeToStream honours backpressure and resolves on finish; readAll collects', async () => {
    const chunks: Buffer[] = [];
    let finished = false;
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        setImmediate(cb); // slow consumer: forces 'drain' waits
      },
      final(cb) {
        finished = true;
        cb();
      },
    });
    const data = Buffer.alloc(200_000, 7);
    await writeToStream(sink, data);
    assert.ok(finished);
    assert.ok(chunks.length > 1);
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.equal((await readAll(Readable.from(['ab', Buffer.from('cd')]))).toString(), 'abcd');
  });

  it('writeToStream rejects when the stream fails', async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(new FsError('NoSpace'));
      },
    });
    await expectFsError(writeToStream(broken, 'data'), 'NoSpace');
  });
});

import assert from 'node:assert/strict';
import type { Writable } from 'node:stream';
import type { FileSystem } from '@ftpkit/core';
import type { SuiteContext } from '../context.js';
import { expectFsError, listNames, readText, writeAll, writeToStream } from '../helpers.js';

/** Write a first chunk, then destroy the stream and wait until it has closed. */
async function abortMidway(stream: Writable, abort: () => void): Promise<void> {
  stream.on('error', () => undefined); // the abort error itself is expected
  // Not events.once: it would reject on that expected 'error'.
  const closed = new Promise((resolve) => stream.once('close', resolve));
  let finished = false;
  stream.on('finish', () => (finished = true));
  await new Promise<void>((resolve, reject) =>
    stream.write('partial new content', (err) => (err ? reject(err) : resolve())),
  );
  abort();
  await closed;
  assert.equal(finished, false, "an aborted upload must not emit 'finish'");
}

/** After an aborted upload over `/f.txt` (or a new `/new.txt`): nothing changed. */
async function assertUntouched(fs: FileSystem): Promise<void> {
  assert.equal(await readText(fs, '/f.txt'), 'old content');
  await expectFsError(fs.stat('/new.txt'), 'NotFound');
  assert.deepEqual(await listNames(fs, '/'), ['f.txt'], 'no temporary entries may be left behind');
}

export function writeTests({ test, options }: SuiteContext): void {
  test('write creates a new file', async (fs) => {
    await writeAll(fs, '/new.txt', 'fresh');
    assert.equal(await readText(fs, '/new.txt'), 'fresh');
    assert.equal((await fs.stat('/new.txt')).size, 5);
    assert.deepEqual(await listNames(fs, '/'), ['new.txt']);
  });

  test('write over an existing file replaces all of it', async (fs) => {
    await writeAll(fs, '/f.txt', 'a much longer original content');
    await writeAll(fs, '/f.txt', 'short');
    assert.equal(await readText(fs, '/f.txt'), 'short');
    assert.equal((await fs.stat('/f.txt')).size, 5);
  });

  test('append adds to the end and creates a missing file', async (fs, t) => {
    if (fs.capabilities?.append === false) return t.skip('append capability is off');
    await writeAll(fs, '/log', 'one,');
    await writeAll(fs, '/log', 'two', { append: true });
    assert.equal(await readText(fs, '/log'), 'one,two');
    await writeAll(fs, '/created', 'first', { append: true });
    assert.equal(await readText(fs, '/created'), 'first');
  });

  test('write at a start offset keeps the first bytes and replaces the rest', async (fs, t) => {
    if (fs.capabilities?.resumeUpload === false) return t.skip('resumeUpload capability is off');
    await writeAll(fs, '/f', '0123456789');
    await writeAll(fs, '/f', 'ab', { start: 4 });
    assert.equal(await readText(fs, '/f'), '0123ab');
    await writeAll(fs, '/f', 'XYZ', { start: 6 }); // start == size: continues the file
    assert.equal(await readText(fs, '/f'), '0123abXYZ');
    await writeAll(fs, '/f', 'new', { start: 0 });
    assert.equal(await readText(fs, '/f'), 'new');
  });

  test('write at a start offset beyond the end throws InvalidArgument', async (fs, t) => {
    if (fs.capabilities?.resumeUpload === false) return t.skip('resumeUpload capability is off');
    await writeAll(fs, '/f', '0123');
    await expectFsError(fs.write('/f', { start: 5 }), 'InvalidArgument');
    assert.equal(await readText(fs, '/f'), '0123');
  });

  test('write under a missing parent throws NotFound, onto a directory IsADirectory', async (fs) => {
    await fs.mkdir('/dir');
    await expectFsError(fs.write('/missing/f.txt'), 'NotFound');
    await expectFsError(fs.write('/dir'), 'IsADirectory');
    assert.equal((await fs.stat('/dir')).type, 'directory');
  });

  test("content is complete as soon as 'finish' fires", async (fs) => {
    const data = Buffer.alloc(300_000, 'z');
    const stream = await fs.write('/f.bin');
    // Issued from the 'finish' handler itself: the data must already be in place.
    let atFinish: Promise<string> | undefined;
    stream.once('finish', () => {
      atFinish = readText(fs, '/f.bin');
    });
    await writeToStream(stream, data);
    assert.equal(await atFinish, data.toString());
  });

  if (options.atomicOverwrite) {
    test("an upload is not visible before 'finish'", async (fs) => {
      await writeAll(fs, '/f.txt', 'old content');
      const over = await fs.write('/f.txt');
      const fresh = await fs.write('/new.txt');
      for (const s of [over, fresh]) {
        await new Promise<void>((resolve, reject) => s.write('new bytes', (e) => (e ? reject(e) : resolve())));
      }
      assert.equal(await readText(fs, '/f.txt'), 'old content');
      await expectFsError(fs.stat('/new.txt'), 'NotFound');
      await writeToStream(over, ' and more');
      await writeToStream(fresh, '!');
      assert.equal(await readText(fs, '/f.txt'), 'new bytes and more');
      assert.equal(await readText(fs, '/new.txt'), 'new bytes!');
    });
  }

  test('a write stream destroyed with an error is an aborted upload', async (fs) => {
    await writeAll(fs, '/f.txt', 'old content');
    const over = await fs.write('/f.txt');
    await abortMidway(over, () => over.destroy(new Error('client went away')));
    const fresh = await fs.write('/new.txt');
    await abortMidway(fresh, () => fresh.destroy(new Error('client went away')));
    if (options.atomicOverwrite) await assertUntouched(fs);
    else assert.equal((await fs.stat('/f.txt')).type, 'file');
  });

  test('aborting the signal stops an upload', async (fs) => {
    await writeAll(fs, '/f.txt', 'old content');
    const controller = new AbortController();
    const stream = await fs.write('/new.txt', { signal: controller.signal });
    await abortMidway(stream, () => controller.abort());
    assert.ok(stream.destroyed);
    if (options.atomicOverwrite) await assertUntouched(fs);
  });
}

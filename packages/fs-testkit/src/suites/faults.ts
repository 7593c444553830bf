import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { isFsError, type FileStat } from '@ftpkit/core';
import type { SuiteContext } from '../context.js';
import { faultyFileSystem } from '../faulty.js';
import { expectFsError, listNames, readAll, writeAll } from '../helpers.js';

/**
 * Signals on the adapter's own operations (an already fired one rejects every one of
 * them), and the adapter behind injected faults:
 * a listing that fails part-way is left in a state where the next one works.
 */
export function faultTests({ test }: SuiteContext): void {
  test('a list that fails mid-stream yields its first entries, then the error; the next list works', async (fs) => {
    await fs.mkdir('/d');
    for (const name of ['a', 'b', 'c']) await writeAll(fs, `/d/${name}`, name);
    const boom = new Error('backend connection lost');
    const faulty = faultyFileSystem(fs, { 'list:/d': { failAfter: 2, error: boom } });
    const seen: FileStat[] = [];
    await assert.rejects(
      (async () => {
        for await (const entry of faulty.list('/d')) seen.push(entry);
      })(),
      (err) => err === boom,
    );
    assert.equal(seen.length, 2);
    assert.deepEqual(faulty.fired, ['list:/d']);
    assert.deepEqual(await listNames(fs, '/d'), ['a', 'b', 'c']);
  });

  test('a stat that throws a plain Error passes it through untouched; other paths are unaffected', async (fs) => {
    await writeAll(fs, '/a.txt', 'a');
    await writeAll(fs, '/b.txt', 'b');
    const boom = new Error('boom');
    const faulty = faultyFileSystem(fs, { 'stat:/a.txt': boom });
    await assert.rejects(faulty.stat('/a.txt'), (err) => err === boom);
    assert.equal((await faulty.stat('/b.txt')).size, 1);
    assert.equal(await readAll(await faulty.read('/a.txt')).then(String), 'a');
  });

  test('a stat that hangs is released with Aborted when its signal fires', async (fs) => {
    await writeAll(fs, '/slow', 'x');
    const faulty = faultyFileSystem(fs, { 'stat:/slow': 'hang-until-aborted' });
    const controller = new AbortController();
    const pending = faulty.stat('/slow', { signal: controller.signal });
    const raced = await Promise.race([pending.then(() => 'settled', () => 'settled'), delay(50, 'pending')]);
    assert.equal(raced, 'pending', 'the stat settled before its signal fired');
    controller.abort();
    await expectFsError(pending, 'Aborted');
    assert.deepEqual(faulty.released, ['stat:/slow']);
  });

  test('read: a signal that fires mid-download ends the stream with Aborted; an already fired one at once', async (fs) => {
    await writeAll(fs, '/big.bin', randomBytes(4 * 1024 * 1024));
    const controller = new AbortController();
    const stream = await fs.read('/big.bin', { signal: controller.signal });
    let bytes = 0;
    await expectFsError(
      (async () => {
        for await (const chunk of stream) {
          bytes += (chunk as Buffer).length;
          controller.abort();
        }
      })(),
      'Aborted',
    );
    assert.ok(bytes < 4 * 1024 * 1024, 'the whole file arrived although the signal fired');
    await expectFsError(async () => readAll(await fs.read('/big.bin', { signal: AbortSignal.abort() })), 'Aborted');
  });

  test('every operation given an already fired signal rejects with Aborted and changes nothing', async (fs) => {
    await writeAll(fs, '/f', 'x');
    await fs.mkdir('/d');
    await fs.mkdir('/empty');
    const signal = AbortSignal.abort();
    const calls: [string, () => Promise<unknown>][] = [
      ['stat', () => fs.stat('/f', { signal })],
      ['list', async () => {
        for await (const entry of fs.list('/d', { signal })) void entry;
      }],
      ['read', () => fs.read('/f', { signal })],
      ['write', () => fs.write('/new', { signal })],
      ['mkdir', () => fs.mkdir('/d2', { signal })],
      ['rmdir', () => fs.rmdir('/empty', { signal })],
      ['remove', () => fs.remove('/f', { signal })],
      ['rename', () => fs.rename('/f', '/g', { signal })],
    ];
    if (fs.setTimes) calls.push(['setTimes', () => fs.setTimes!('/f', new Date(0), { signal })]);
    if (fs.chmod) calls.push(['chmod', () => fs.chmod!('/f', 0o600, { signal })]);
    if (fs.hash) calls.push(['hash', () => fs.hash!('/f', 'SHA-256', { signal })]);
    if (fs.availableSpace) calls.push(['availableSpace', () => fs.availableSpace!('/', { signal })]);
    for (const [name, call] of calls) {
      await assert.rejects(call(), (err) => isFsError(err, 'Aborted'), `${name} did not reject with Aborted`);
    }
    const f = await fs.stat('/f');
    assert.equal(f.size, 1);
    assert.notEqual(f.mtime.getTime(), 0, 'setTimes ran');
    assert.equal((await fs.stat('/empty')).type, 'directory');
    for (const gone of ['/new', '/d2', '/g']) await expectFsError(fs.stat(gone), 'NotFound');
  });

  test('list: an already fired signal stops the listing with Aborted', async (fs) => {
    await fs.mkdir('/d');
    for (const name of ['a', 'b', 'c']) await writeAll(fs, `/d/${name}`, name);
    await expectFsError(async () => {
      for await (const entry of fs.list('/d', { signal: AbortSignal.abort() })) void entry;
    }, 'Aborted');
  });
}

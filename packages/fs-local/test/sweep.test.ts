// Leftover temporary files of atomic uploads: which ones a sweep removes (a crashed
// writer on this host, an old file of an unknown writer) and which it keeps (live uploads
// of this and other processes), at start, periodically, on listing, and not after close().
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LocalFileSystem } from '../src/index.js';
import { HOST_TAG } from '../src/temp-names.js';
import { listAll, makeTempDir, removeDir } from './helpers.js';

const HOUR = 3_600_000;
const OTHER_HOST = '0123456789ab';
const temp = (host: string, pid: number, n: number) => `.ftpkit-upload-${host}-${pid}-${n.toString(16).padStart(16, '0')}.tmp`;

/** The pid of a process that has exited (and been reaped); one for the whole file. */
let exited: Promise<number> | undefined;
function deadPid(): Promise<number> {
  exited ??= (async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(child, 'exit');
    return child.pid!;
  })();
  return exited;
}

async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); await sleep(20)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
  }
}

function writeChunk(stream: Writable, chunk: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}

describe('sweeping leftover temporary files', () => {
  let root: string;
  const open: LocalFileSystem[] = [];
  const make = (options: Partial<ConstructorParameters<typeof LocalFileSystem>[0]> = {}) => {
    const fs = new LocalFileSystem({ root, ...options });
    open.push(fs);
    return fs;
  };
  const at = (...parts: string[]) => join(root, ...parts);

  /** Make a LocalFileSystem and wait until its first sweep has removed a leftover planted before. */
  async function started(options: Partial<ConstructorParameters<typeof LocalFileSystem>[0]> = {}) {
    const sentinel = at(temp(HOST_TAG, await deadPid(), 0xffff));
    await writeFile(sentinel, 'left by a crash');
    const fs = make(options);
    await eventually('the first sweep is over', () => !existsSync(sentinel));
    return fs;
  }

  beforeEach(async () => {
    root = await makeTempDir('fs-local-sweep-');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((fs) => fs.close()));
    await removeDir(root);
  });

  test('at start: removes a crashed writer’s file at once and old files of unknown writers; keeps live ones', async () => {
    await mkdir(at('a', 'b', 'c'), { recursive: true });
    const dead = await deadPid();
    const files = {
      crashedHere: at('a', temp(HOST_TAG, dead, 1)), // this host, pid gone: stale though fresh
      crashedDeep: at('a', 'b', 'c', temp(HOST_TAG, dead, 2)),
      oldForeign: at('a', 'b', temp(OTHER_HOST, 4242, 3)), // another host, untouched for 2 h
      oldLegacy: at('.ftpkit-upload-00112233445566ff.tmp'), // an older version's name, 2 h old
      liveForeign: at('a', 'b', temp(OTHER_HOST, 4242, 4)), // another host, written just now
      liveHere: at('a', temp(HOST_TAG, process.ppid, 5)), // a running process of this host
      freshLegacy: at('a', 'b', 'c', '.ftpkit-upload-0011223344556677.tmp'),
    };
    for (const path of Object.values(files)) await writeFile(path, 'partial upload');
    const old = new Date(Date.now() - 2 * HOUR);
    for (const path of [files.oldForeign, files.oldLegacy]) await utimes(path, old, old);
    await writeFile(at('a', 'b', 'keep.txt'), 'previous version');
    // A link named like a temporary file is not a file of ours; neither is what it points at.
    const outside = await makeTempDir('fs-local-sweep-outside-');
    await writeFile(join(outside, 'victim'), 'outside');
    await symlink(join(outside, 'victim'), at('a', temp(HOST_TAG, dead, 6)));
    await utimes(join(outside, 'victim'), old, old);

    make({ sweepInterval: 100 });
    const removed = [files.crashedHere, files.crashedDeep, files.oldForeign, files.oldLegacy];
    await eventually('the leftovers are removed', () => removed.every((p) => !existsSync(p)));
    await sleep(400); // a few more complete walks
    for (const path of [files.liveForeign, files.liveHere, files.freshLegacy]) assert.ok(existsSync(path), path);
    assert.equal(await readFile(at('a', 'b', 'keep.txt'), 'utf8'), 'previous version');
    assert.equal(await readFile(join(outside, 'victim'), 'utf8'), 'outside');
    await removeDir(outside);
  });

  test('periodically: a worker that crashes while the server runs leaves nothing for long', async () => {
    await mkdir(at('in'));
    await started({ sweepInterval: 150 });
    const leftover = at('in', temp(HOST_TAG, await deadPid(), 7));
    await writeFile(leftover, 'partial');
    await eventually('the periodic sweep removes it', () => !existsSync(leftover), 3000);
  });

  test('listing a directory removes its leftovers, without periodic sweeps', async () => {
    const fs = await started({ sweepInterval: false });
    const leftover = at(temp(HOST_TAG, await deadPid(), 8));
    await writeFile(leftover, 'partial');
    await writeFile(at('f.txt'), 'x');
    await sleep(200);
    assert.ok(existsSync(leftover), 'no periodic sweep');
    assert.deepEqual((await listAll(fs, '/')).map((e) => e.name), ['f.txt']);
    assert.ok(!existsSync(leftover), 'removed by the listing');
  });

  test("this process's own upload is never swept, however long it stalls", async () => {
    await writeFile(at('big.bin'), 'previous');
    const fs = make({ staleUploadAge: 1, sweepInterval: 30 });
    const stream = await fs.write('/big.bin');
    await writeChunk(stream, 'first half, ');
    await sleep(300); // many sweeps with a 1 ms age limit
    await listAll(fs, '/');
    await writeChunk(stream, 'second half');
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await once(stream, 'close');
    assert.equal(await readFile(at('big.bin'), 'utf8'), 'first half, second half');
  });

  test('close() stops sweeping; staleUploadAge false never removes anything', async () => {
    const fs = await started({ sweepInterval: 50 });
    await fs.close();
    const leftover = at(temp(HOST_TAG, await deadPid(), 9));
    await writeFile(leftover, 'partial');
    await sleep(300);
    assert.ok(existsSync(leftover), 'kept after close()');

    const keeping = make({ staleUploadAge: false, sweepInterval: 50 });
    await sleep(300);
    assert.ok(existsSync(leftover), 'kept with staleUploadAge false');
    await listAll(keeping, '/');
    assert.ok(existsSync(leftover), 'kept by listings too');
  });

  test('instances of one root share its schedule: a new one does not walk again before the interval', async () => {
    await writeFile(at('x.txt'), 'x');
    await started({ sweepInterval: 60_000 }); // first walk now, the next in a minute
    const leftover = at(temp(HOST_TAG, await deadPid(), 10));
    await writeFile(leftover, 'partial');
    make({ sweepInterval: 60_000 });
    await sleep(200);
    assert.ok(existsSync(leftover), 'no second walk within the interval');
  });

  test('a walk stopped by close() resumes with the next instance: short sessions still cover a large tree', async () => {
    // 3,000 entries: the walk rests 10 ms every 500 of them, so it needs 60 ms or more.
    for (let d = 0; d < 30; d++) {
      await mkdir(at(`d${d}`));
      await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(at(`d${d}`, `f${f}`), '')));
    }
    const leftover = at('d0', temp(HOST_TAG, await deadPid(), 11)); // d0 is read last
    await writeFile(leftover, 'partial');
    // One session can never walk it all (its rests alone outlast it), so however many it
    // takes, only a walk that resumes gets there; a loaded machine may need many.
    for (let session = 0; session < 200 && existsSync(leftover); session++) {
      const fs = make({ sweepInterval: 60_000 });
      await sleep(20);
      await fs.close();
    }
    assert.ok(!existsSync(leftover), 'sessions of 20 ms each got through the whole tree');
  });

  test('bad durations are refused', () => {
    assert.throws(() => new LocalFileSystem({ root, staleUploadAge: -1 }), RangeError);
    assert.throws(() => new LocalFileSystem({ root, sweepInterval: Number.NaN }), RangeError);
  });
});

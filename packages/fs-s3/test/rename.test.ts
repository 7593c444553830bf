import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { S3FileSystem } from '../src/index.js';
import { listNames, patternBytes, readFile, recordCommands, sha256, useS3rver, writeFile } from './helpers.js';

describe('S3FileSystem rename', () => {
  const s3 = useS3rver();
  let fs: S3FileSystem;

  before(() => {
    fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, maxRenameObjects: 20, copyConcurrency: 3 });
  });

  test('a file moves with its bytes, replacing an existing file', async () => {
    const data = patternBytes(300_000, 4);
    await fs.mkdir('/in');
    await writeFile(fs, '/from.bin', data);
    await writeFile(fs, '/in/to.bin', 'older');
    await fs.rename('/from.bin', '/in/to.bin');
    await assert.rejects(fs.stat('/from.bin'), { code: 'NotFound' });
    assert.equal(sha256(await readFile(fs, '/in/to.bin')), sha256(data));
  });

  test('names with spaces and non-ASCII characters survive a rename', async () => {
    await writeFile(fs, '/café menu.txt', 'menu');
    await fs.rename('/café menu.txt', '/Ünïcode naïve.txt');
    assert.equal((await readFile(fs, '/Ünïcode naïve.txt')).toString(), 'menu');
  });

  test('rename refuses missing sources, missing target parents and directories as file targets', async () => {
    await assert.rejects(fs.rename('/nope', '/x'), { code: 'NotFound' });
    await writeFile(fs, '/lonely', 'l');
    await assert.rejects(fs.rename('/lonely', '/no/parent'), { code: 'NotFound' });
    await fs.mkdir('/taken');
    await assert.rejects(fs.rename('/lonely', '/taken'), { code: 'IsADirectory' });
    assert.equal((await readFile(fs, '/lonely')).toString(), 'l');
  });

  test('a directory moves with everything under it, copied a few at a time', async () => {
    const observed = s3.server.client();
    const log = recordCommands(observed);
    const dirFs = new S3FileSystem({ bucket: s3.server.bucket, client: observed, maxRenameObjects: 20, copyConcurrency: 3 });
    await dirFs.mkdir('/tree');
    await dirFs.mkdir('/tree/empty');
    await dirFs.mkdir('/tree/sub');
    for (let i = 0; i < 6; i++) await writeFile(dirFs, `/tree/sub/f${i}`, `file ${i}`);
    await writeFile(dirFs, '/tree/top.txt', 'top');
    await dirFs.rename('/tree', '/moved');
    await assert.rejects(dirFs.stat('/tree'), { code: 'NotFound' });
    assert.deepEqual(await listNames(dirFs, '/moved'), ['empty', 'sub', 'top.txt']);
    assert.deepEqual(await listNames(dirFs, '/moved/empty'), []);
    assert.equal((await readFile(dirFs, '/moved/sub/f5')).toString(), 'file 5');
    assert.equal(log.count('CopyObjectCommand'), 10);
    assert.ok(log.peak('CopyObjectCommand') <= 3, `peak ${log.peak('CopyObjectCommand')}`);
    observed.destroy();
  });

  test('a directory rename whose signal fires part-way stops between copies, removes them and keeps the source', async () => {
    const observed = s3.server.client();
    const log = recordCommands(observed);
    const controller = new AbortController();
    // The signal fires as the fourth copy starts: a real request, cancelled in flight.
    observed.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CopyObjectCommand' && log.count('CopyObjectCommand') === 4) controller.abort();
        return next(args);
      },
      { step: 'initialize', name: 'abortPartWay' },
    );
    const dirFs = new S3FileSystem({ bucket: s3.server.bucket, client: observed, maxRenameObjects: 20, copyConcurrency: 3 });
    await dirFs.mkdir('/big');
    for (let i = 0; i < 12; i++) await writeFile(dirFs, `/big/f${i}`, `file ${i}`);
    await assert.rejects(dirFs.rename('/big', '/big-moved', { signal: controller.signal }), { code: 'Aborted' });
    assert.ok(log.count('CopyObjectCommand') < 12, `${log.count('CopyObjectCommand')} copies started after the abort`);
    await assert.rejects(dirFs.stat('/big-moved'), { code: 'NotFound' });
    assert.equal((await listNames(dirFs, '/big')).length, 12);
    assert.equal((await readFile(dirFs, '/big/f11')).toString(), 'file 11');
    observed.destroy();
  });

  test('a directory rename above maxRenameObjects is refused and changes nothing', async () => {
    await fs.mkdir('/huge');
    for (let i = 0; i < 20; i++) await writeFile(fs, `/huge/f${i}`, 'x');
    await assert.rejects(fs.rename('/huge', '/huge2'), {
      code: 'Unsupported',
      message: 'Cannot rename a directory holding more than 20 objects on this storage',
    });
    assert.equal((await listNames(fs, '/huge')).length, 20);
    await assert.rejects(fs.stat('/huge2'), { code: 'NotFound' });
  });

  test('a directory cannot move into itself or onto an existing path', async () => {
    await fs.mkdir('/d1');
    await fs.mkdir('/d2');
    await assert.rejects(fs.rename('/d1', '/d1/inner'), { code: 'InvalidArgument' });
    await assert.rejects(fs.rename('/d1', '/d2'), { code: 'AlreadyExists' });
    await assert.rejects(fs.rename('/', '/root'), { code: 'PermissionDenied' });
  });
});

import assert from 'node:assert/strict';
import type { SuiteContext } from '../context.js';
import { expectFsError, listNames, writeAll } from '../helpers.js';

export function directoryTests({ test }: SuiteContext): void {
  test('mkdir creates directories, nested ones inside created ones', async (fs) => {
    await fs.mkdir('/a');
    await fs.mkdir('/a/b');
    assert.equal((await fs.stat('/a/b')).type, 'directory');
    assert.deepEqual(await listNames(fs, '/a'), ['b']);
  });

  test('mkdir of an existing name throws AlreadyExists, under a missing parent NotFound', async (fs) => {
    await fs.mkdir('/a');
    await writeAll(fs, '/file', 'x');
    await expectFsError(fs.mkdir('/a'), 'AlreadyExists');
    await expectFsError(fs.mkdir('/file'), 'AlreadyExists');
    await expectFsError(fs.mkdir('/missing/child'), 'NotFound');
    assert.equal((await fs.stat('/file')).type, 'file');
  });

  test('rmdir removes an empty directory', async (fs) => {
    await fs.mkdir('/gone');
    await fs.rmdir('/gone');
    await expectFsError(fs.stat('/gone'), 'NotFound');
    assert.deepEqual(await listNames(fs, '/'), []);
  });

  test('rmdir refuses a non-empty directory with NotEmpty and keeps it', async (fs) => {
    await fs.mkdir('/full');
    await writeAll(fs, '/full/f', 'x');
    await expectFsError(fs.rmdir('/full'), 'NotEmpty');
    assert.deepEqual(await listNames(fs, '/full'), ['f']);
    await fs.mkdir('/full2');
    await fs.mkdir('/full2/sub');
    await expectFsError(fs.rmdir('/full2'), 'NotEmpty');
  });

  test('rmdir of a file throws NotADirectory, of a missing path NotFound', async (fs) => {
    await writeAll(fs, '/file', 'x');
    await expectFsError(fs.rmdir('/file'), 'NotADirectory');
    await expectFsError(fs.rmdir('/missing'), 'NotFound');
    assert.equal((await fs.stat('/file')).type, 'file');
  });

  test('remove deletes a file; missing throws NotFound, a directory IsADirectory', async (fs) => {
    await writeAll(fs, '/f', 'x');
    await fs.mkdir('/d');
    await fs.remove('/f');
    await expectFsError(fs.stat('/f'), 'NotFound');
    await expectFsError(fs.remove('/f'), 'NotFound');
    await expectFsError(fs.remove('/d'), 'IsADirectory');
    assert.deepEqual(await listNames(fs, '/'), ['d']);
  });
}

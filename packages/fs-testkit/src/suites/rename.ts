import assert from 'node:assert/strict';
import type { SuiteContext } from '../context.js';
import { expectFsError, listNames, readText, writeAll } from '../helpers.js';

export function renameTests({ test }: SuiteContext): void {
  test('rename moves a file, within a directory and into another one', async (fs) => {
    await writeAll(fs, '/a.txt', 'content');
    await fs.mkdir('/dir');
    await fs.rename('/a.txt', '/b.txt');
    await expectFsError(fs.stat('/a.txt'), 'NotFound');
    assert.equal(await readText(fs, '/b.txt'), 'content');
    await fs.rename('/b.txt', '/dir/c.txt');
    assert.equal(await readText(fs, '/dir/c.txt'), 'content');
    assert.deepEqual(await listNames(fs, '/'), ['dir']);
  });

  test('rename replaces an existing file', async (fs) => {
    await writeAll(fs, '/src', 'new');
    await writeAll(fs, '/dst', 'old and longer');
    await fs.rename('/src', '/dst');
    assert.equal(await readText(fs, '/dst'), 'new');
    assert.equal((await fs.stat('/dst')).size, 3);
    assert.deepEqual(await listNames(fs, '/'), ['dst']);
  });

  test('rename of a directory moves its whole tree', async (fs) => {
    await fs.mkdir('/tree');
    await fs.mkdir('/tree/sub');
    await writeAll(fs, '/tree/top.txt', 'top');
    await writeAll(fs, '/tree/sub/deep.txt', 'deep');
    await fs.mkdir('/other');
    await fs.rename('/tree', '/other/moved');
    await expectFsError(fs.stat('/tree'), 'NotFound');
    await expectFsError(fs.stat('/tree/sub/deep.txt'), 'NotFound');
    assert.equal((await fs.stat('/other/moved')).type, 'directory');
    assert.deepEqual(await listNames(fs, '/other/moved'), ['sub', 'top.txt']);
    assert.equal(await readText(fs, '/other/moved/top.txt'), 'top');
    assert.equal(await readText(fs, '/other/moved/sub/deep.txt'), 'deep');
    assert.deepEqual(await listNames(fs, '/'), ['other']);
  });

  test('rename of a missing path or into a missing directory throws NotFound', async (fs) => {
    await writeAll(fs, '/f', 'x');
    await expectFsError(fs.rename('/missing', '/x'), 'NotFound');
    await expectFsError(fs.rename('/f', '/missing/f'), 'NotFound');
    assert.equal(await readText(fs, '/f'), 'x');
  });
}

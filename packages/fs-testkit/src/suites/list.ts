import assert from 'node:assert/strict';
import type { SuiteContext } from '../context.js';
import { expectFsError, listAll, listNames, writeAll } from '../helpers.js';

export function listTests({ test }: SuiteContext): void {
  test('list yields every entry with name, type, size and mtime', async (fs) => {
    await fs.mkdir('/d');
    await writeAll(fs, '/d/a.txt', 'aaa');
    await writeAll(fs, '/d/empty', '');
    await fs.mkdir('/d/sub');
    await writeAll(fs, '/d/sub/hidden.txt', 'not listed at this level');
    const entries = (await listAll(fs, '/d')).sort((x, y) => x.name.localeCompare(y.name));
    assert.deepEqual(
      entries.map((e) => [e.name, e.type]),
      [
        ['a.txt', 'file'],
        ['empty', 'file'],
        ['sub', 'directory'],
      ],
    );
    assert.equal(entries[0]?.size, 3);
    assert.equal(entries[1]?.size, 0);
    for (const e of entries) assert.ok(e.mtime instanceof Date && !Number.isNaN(e.mtime.getTime()));
  });

  test('list of the root and of an empty directory; no . or ..', async (fs) => {
    assert.deepEqual(await listNames(fs, '/'), []);
    await fs.mkdir('/empty');
    assert.deepEqual(await listNames(fs, '/'), ['empty']);
    assert.deepEqual(await listNames(fs, '/empty'), []);
  });

  test('list of a missing path throws NotFound, of a file NotADirectory', async (fs) => {
    await writeAll(fs, '/file.txt', 'x');
    await expectFsError(listAll(fs, '/missing'), 'NotFound');
    await expectFsError(listAll(fs, '/file.txt'), 'NotADirectory');
  });

  test('list can be stopped early through the async iterator', async (fs) => {
    await fs.mkdir('/many');
    for (const n of ['1', '2', '3', '4']) await writeAll(fs, `/many/${n}`, n);
    let seen = 0;
    for await (const entry of fs.list('/many')) {
      assert.equal(entry.type, 'file');
      if (++seen === 2) break;
    }
    assert.equal(seen, 2);
    assert.equal((await listNames(fs, '/many')).length, 4);
  });
}

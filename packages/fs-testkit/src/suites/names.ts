import assert from 'node:assert/strict';
import type { SuiteContext } from '../context.js';
import { listNames, readText, writeAll } from '../helpers.js';

/** Names FTP clients really send: all legal, all easy to mangle. */
const AWKWARD_NAMES = [
  'with space.txt',
  '  leading and trailing spaces  ',
  'ünïcödé-日本語-😀.txt',
  'quote"double',
  "quote'single",
  '-leading-dash',
  '--rf',
  '#hash %percent &amp; +plus',
  'tab\tinside',
  '[brackets] {braces} (parens)',
  'a.b.c.',
];

export function nameTests({ test }: SuiteContext): void {
  test('awkward names: unicode, spaces, quotes, leading dashes', async (fs) => {
    for (const name of AWKWARD_NAMES) {
      await fs.mkdir(`/${name}`);
      await writeAll(fs, `/${name}/${name}`, name);
    }
    assert.deepEqual(await listNames(fs, '/'), [...AWKWARD_NAMES].sort());
    for (const name of AWKWARD_NAMES) {
      const st = await fs.stat(`/${name}/${name}`);
      assert.equal(st.name, name);
      assert.equal(st.size, Buffer.byteLength(name));
      assert.deepEqual(await listNames(fs, `/${name}`), [name]);
      assert.equal(await readText(fs, `/${name}/${name}`), name);
    }
    const [first, second] = AWKWARD_NAMES as [string, string];
    await fs.rename(`/${first}/${first}`, `/${first}/${second}`);
    assert.equal(await readText(fs, `/${first}/${second}`), first);
    await fs.remove(`/${first}/${second}`);
    await fs.rmdir(`/${first}`);
    assert.equal((await listNames(fs, '/')).length, AWKWARD_NAMES.length - 1);
  });
}

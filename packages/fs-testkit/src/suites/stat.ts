import assert from 'node:assert/strict';
import type { SuiteContext } from '../context.js';
import { expectFsError, writeAll } from '../helpers.js';

/** Tolerance for mtimes: backends may round to seconds and clocks differ slightly. */
const CLOCK_SLACK_MS = 60_000;

export function statTests({ test }: SuiteContext): void {
  test('stat of the root is a directory', async (fs) => {
    const root = await fs.stat('/');
    assert.equal(root.type, 'directory');
    assert.ok(root.mtime instanceof Date && !Number.isNaN(root.mtime.getTime()));
  });

  test('stat of a file reports name, type, size and a recent mtime', async (fs) => {
    await writeAll(fs, '/hello.txt', 'hello world');
    const st = await fs.stat('/hello.txt');
    assert.equal(st.name, 'hello.txt');
    assert.equal(st.type, 'file');
    assert.equal(st.size, 11);
    assert.ok(st.mtime instanceof Date);
    assert.ok(Math.abs(st.mtime.getTime() - Date.now()) < CLOCK_SLACK_MS, `mtime ${st.mtime.toISOString()}`);
    if (st.mode !== undefined) assert.ok(Number.isInteger(st.mode) && st.mode >= 0 && st.mode <= 0o7777);
  });

  test('stat of a directory and of a nested file', async (fs) => {
    await fs.mkdir('/dir');
    await writeAll(fs, '/dir/inner.bin', Buffer.alloc(3));
    const dir = await fs.stat('/dir');
    assert.equal(dir.name, 'dir');
    assert.equal(dir.type, 'directory');
    const inner = await fs.stat('/dir/inner.bin');
    assert.equal(inner.name, 'inner.bin');
    assert.equal(inner.size, 3);
  });

  test('stat of a missing path throws NotFound', async (fs) => {
    await expectFsError(fs.stat('/missing'), 'NotFound');
    await expectFsError(fs.stat('/missing/deeper.txt'), 'NotFound');
  });
}

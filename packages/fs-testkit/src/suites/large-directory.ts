import assert from 'node:assert/strict';
import type { FileSystem } from '@ftpkit/core';
import type { SuiteContext } from '../context.js';
import { writeAll } from '../helpers.js';

/** Uploads in flight at once while filling the directory (helps network backends). */
const PARALLEL = 16;

async function fill(fs: FileSystem, dir: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await writeAll(fs, `${dir}/entry-${i}`, String(i));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

export function largeDirectoryTests({ test, options }: SuiteContext): void {
  const count = options.largeDirCount;
  if (count <= 0) return;
  test(`a ${count}-entry directory is listed completely through the iterator`, async (fs) => {
    await fs.mkdir('/big');
    await fill(fs, '/big', count);
    const seen = new Set<string>();
    for await (const entry of fs.list('/big')) {
      assert.equal(entry.type, 'file');
      assert.ok(!seen.has(entry.name), `${entry.name} listed twice`);
      seen.add(entry.name);
    }
    assert.equal(seen.size, count);
    for (let i = 0; i < count; i++) assert.ok(seen.has(`entry-${i}`), `entry-${i} missing`);
  });
}

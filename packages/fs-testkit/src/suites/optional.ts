import assert from 'node:assert/strict';
import type { SuiteContext } from '../context.js';
import { expectFsError, writeAll } from '../helpers.js';

/** Optional operations are tested only when the adapter implements them. */
export function optionalTests({ test, options }: SuiteContext): void {
  test('setTimes sets the modification time that stat reports', async (fs, t) => {
    if (!fs.setTimes) return t.skip('the adapter offers no setTimes');
    const when = new Date('2001-02-03T04:05:06Z');
    await writeAll(fs, '/f', 'x');
    await fs.mkdir('/d');
    await fs.setTimes('/f', when);
    assert.equal((await fs.stat('/f')).mtime.getTime(), when.getTime());
    assert.equal((await fs.stat('/f')).size, 1);
    await expectFsError(fs.setTimes('/missing', when), 'NotFound');
    if (options.setTimesScope === 'files') {
      await expectFsError(fs.setTimes('/d', when), 'Unsupported');
      return;
    }
    await fs.setTimes('/d', when);
    assert.equal((await fs.stat('/d')).mtime.getTime(), when.getTime());
    const listed = [];
    for await (const e of fs.list('/')) listed.push(e);
    assert.equal(listed.find((e) => e.name === 'f')?.mtime.getTime(), when.getTime());
  });

  test('chmod sets the mode bits that stat reports', async (fs, t) => {
    if (!fs.chmod) return t.skip('the adapter offers no chmod');
    await writeAll(fs, '/f', 'x');
    await fs.chmod('/f', 0o640);
    assert.equal((await fs.stat('/f')).mode, 0o640);
    await fs.chmod('/f', 0o604);
    assert.equal((await fs.stat('/f')).mode, 0o604);
    await fs.mkdir('/d');
    await fs.chmod('/d', 0o750);
    assert.equal((await fs.stat('/d')).mode, 0o750);
    await expectFsError(fs.chmod('/missing', 0o600), 'NotFound');
  });
}

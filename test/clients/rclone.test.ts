/** rclone as a separate process, through an on-the-fly FTP remote. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readAll } from '@ftpkit/fs-testkit';
import { useServer } from '../support/fixture.js';
import { rclone, rcloneRemote } from '../support/client-args.js';
import { skipUnless } from '../support/process.js';

describe('rclone', { skip: skipUnless('rclone', ['version']) }, () => {
  const t = useServer();
  let dir: string;
  let remote: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-rclone-'));
    remote = await rcloneRemote(t.port, 'user', 'pass');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('mkdir, copy up, ls, lsl, copy down, delete', async () => {
    const big = randomBytes(5 * 1024 * 1024);
    await mkdir(join(dir, 'up/nested'), { recursive: true });
    await writeFile(join(dir, 'up/big.bin'), big);
    await writeFile(join(dir, 'up/nested/sp ace ü.txt'), 'nested');
    await writeFile(join(dir, 'up/-dash.txt'), 'dash');

    await rclone('mkdir', `${remote}/rc`);
    assert.equal((await t.fs.stat('/rc')).type, 'directory');
    await rclone('copy', join(dir, 'up'), `${remote}/rc`);
    assert.ok((await readAll(await t.fs.read('/rc/big.bin'))).equals(big));
    assert.equal((await readAll(await t.fs.read('/rc/nested/sp ace ü.txt'))).toString(), 'nested');

    const ls = (await rclone('ls', `${remote}/rc`)).stdout;
    const sizes = Object.fromEntries(ls.trim().split('\n').map((l) => l.trim().split(/ (.+)/)).map(([size, name]) => [name, Number(size)]));
    assert.deepEqual(sizes, { 'big.bin': big.length, '-dash.txt': 4, 'nested/sp ace ü.txt': 6 });

    // lsl shows modification times: they must match the server's MLSD/MDTM, to the second.
    const lsl = (await rclone('lsl', `${remote}/rc`)).stdout;
    const line = lsl.split('\n').find((l) => l.endsWith(' big.bin'))!;
    const m = /^ *(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(line);
    assert.ok(m, lsl);
    const mtime = (await t.fs.stat('/rc/big.bin')).mtime;
    // rclone prints local time; a date-time string without zone is parsed as local too.
    const shown = new Date(m[2]!.replace(' ', 'T'));
    assert.ok(Math.abs(shown.getTime() - mtime.getTime()) < 1000, `${m[2]} vs ${mtime.toISOString()}`);

    await rclone('copy', `${remote}/rc`, join(dir, 'down'));
    assert.ok((await readFile(join(dir, 'down/big.bin'))).equals(big));
    assert.equal(await readFile(join(dir, 'down/nested/sp ace ü.txt'), 'utf8'), 'nested');

    await rclone('delete', `${remote}/rc/nested`);
    await assert.rejects(t.fs.stat('/rc/nested/sp ace ü.txt'));
    await rclone('moveto', `${remote}/rc/-dash.txt`, `${remote}/rc/renamed.txt`);
    assert.equal((await readAll(await t.fs.read('/rc/renamed.txt'))).toString(), 'dash');
    await rclone('purge', `${remote}/rc`);
    await assert.rejects(t.fs.stat('/rc'));
  });
});

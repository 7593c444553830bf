/**
 * The `ftpkit` program on a local directory, SIGKILLed two seconds into an upload that
 * replaces a file, then started again. Meanwhile a second program on the same directory
 * has an upload of its own in progress. What clients and the disk must see: the previous
 * file byte-identical throughout, the crashed upload's temporary file removed by the
 * restarted program's sweep, and the other program's live upload untouched and
 * completing normally.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { beginUpload, eventually, keepSending, PASS, sigkill, startProgram, USER, type Program } from '../support/crashed-upload.js';
import { download } from '../support/data.js';
import { RawClient } from '../support/raw-client.js';

const PREVIOUS = randomBytes(300_000);
const CHUNK = randomBytes(64 * 1024);
const isTemp = (name: string) => name.startsWith('.ftpkit-upload-');

describe('fs-local: a server killed mid-upload, restarted', { timeout: 60_000 }, () => {
  let dir = '';
  let root = '';
  const running: Program[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-crash-local-'));
    root = join(dir, 'root');
    await mkdir(root);
  });
  after(async () => {
    for (const program of running) await program.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A program on `root`; `sweepInterval` in seconds. */
  async function start(name: string, sweepInterval: number): Promise<Program> {
    const program = await startProgram(dir, name, { storage: { type: 'local', root, staleUploadAge: 3600, sweepInterval } });
    running.push(program);
    return program;
  }

  const temps = async () => (await readdir(root)).filter(isTemp);

  it('leaves the previous file intact and the crashed temporary file is swept at restart, not the live one', async () => {
    await writeFile(join(root, 'report.bin'), PREVIOUS);
    // The other server sharing the directory sweeps only at its own start.
    const [other, victim] = await Promise.all([start('other', 0), start('victim', 0.3)]);
    const live = await beginUpload(other.port, '/other.bin', CHUNK);
    let liveBytes = CHUNK.length;
    await eventually('the live upload has its temporary file', async () => (await temps()).length === 1);
    const [liveTemp] = await temps();

    const doomed = await beginUpload(victim.port, '/report.bin', CHUNK);
    await keepSending(doomed, CHUNK, 2000);
    const crashedTemp = (await temps()).find((n) => n !== liveTemp && n.includes(`-${victim.child.pid}-`));
    assert.ok(crashedTemp, 'the crashed upload has its temporary file, named with its pid');
    await sigkill(victim);
    running.splice(running.indexOf(victim), 1);
    doomed.socket.destroy();
    doomed.client.close();

    assert.ok((await readFile(join(root, 'report.bin'))).equals(PREVIOUS), 'the previous file is intact after the crash');
    assert.deepEqual((await temps()).sort(), [crashedTemp, liveTemp].sort(), 'the crash left its temporary file behind');

    const restarted = await start('victim', 0.3);
    await eventually('the restarted server removes the leftover', async () => !(await temps()).includes(crashedTemp!));
    await sleep(1000); // several more sweeps of the restarted server
    assert.deepEqual(await temps(), [liveTemp], 'the live upload of the other server is kept');

    // The other server's upload goes on and completes; the crashed one never replaced anything.
    liveBytes += await keepSending(live, CHUNK, 300);
    live.socket.end();
    assert.equal((await live.client.read()).code, 226);
    live.client.close();
    assert.equal((await readFile(join(root, 'other.bin'))).length, liveBytes, 'the live upload completed whole');
    assert.deepEqual(await temps(), []);

    const { client } = await RawClient.connect(restarted.port);
    await client.login(USER, PASS);
    await client.send('TYPE I');
    assert.ok((await download(client, 'RETR /report.bin')).equals(PREVIOUS), 'clients get the previous file');
    const names = (await download(client, 'NLST /')).toString().split('\r\n').filter(Boolean).sort();
    assert.deepEqual(names, ['other.bin', 'report.bin']);
    client.close();
  });
});

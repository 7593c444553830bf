/**
 * Uploads that end badly over the wire, against fs-local with the atomic upload policy:
 * the previous file stays byte-for-byte intact and no temporary file is left beside it,
 * whether the client sends ABOR or vanishes (control and data connections destroyed).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { TransferResult } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { startTransfer } from '../support/data.js';
import { useServer } from '../support/fixture.js';

const PREVIOUS = randomBytes(300_000);
const isTemp = (name: string) => name.startsWith('.ftpkit-upload-');

describe('fs-local atomic uploads aborted over the wire', () => {
  let root = '';
  const t = useServer(async () => {
    root = await mkdtemp(join(tmpdir(), 'ftpkit-aborted-upload-'));
    return { fs: new LocalFileSystem({ root, uploadPolicy: 'atomic' }) };
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** Waits until `check` holds (the adapter works asynchronously), or fails after 5 s. */
  async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
    for (const deadline = Date.now() + 5000; !(await check()); await sleep(10)) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    }
  }

  /** Seed `name`, start a STOR over it and send part of a different file; resolves mid-upload. */
  async function startOverwrite(name: string) {
    await writeFile(join(root, name), PREVIOUS);
    const ended = new Promise<[{ result: TransferResult }]>((resolve) => t.server.server.once('transfer-end', (event) => resolve([event])));
    const client = await t.connect();
    assert.equal((await client.send('TYPE I')).code, 200);
    const { socket } = await startTransfer(client, `STOR /${name}`);
    socket.write(randomBytes(256 * 1024));
    // The upload is under way once its temporary file exists; the target is untouched meanwhile.
    await eventually('a temporary file exists', async () => (await readdir(root)).some(isTemp));
    assert.ok((await readFile(join(root, name))).equals(PREVIOUS), 'the previous file is served during the upload');
    return { client, socket, ended };
  }

  async function expectPreviousIntact(name: string): Promise<void> {
    assert.ok((await readFile(join(root, name))).equals(PREVIOUS), 'previous bytes intact');
    await eventually('the temporary file is removed', async () => !(await readdir(root)).some(isTemp));
    assert.deepEqual((await readdir(root)).filter((n) => n === name || isTemp(n)), [name]);
  }

  it('ABOR mid-STOR: 426 then 226, the previous file intact, no temporary file', async () => {
    const { client, socket, ended } = await startOverwrite('abor.bin');
    client.write('ABOR\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
    const [{ result }] = await ended;
    assert.equal(result.status, 'aborted');
    socket.destroy();
    await expectPreviousIntact('abor.bin');
    assert.equal((await client.send('NOOP')).code, 200, 'the session goes on');
  });

  it('a client that destroys control and data connections mid-STOR: the previous file intact, no temporary file', async () => {
    const { client, socket, ended } = await startOverwrite('vanished.bin');
    socket.destroy();
    client.close();
    const [{ result }] = await ended;
    assert.notEqual(result.status, 'completed');
    await expectPreviousIntact('vanished.bin');
  });
});

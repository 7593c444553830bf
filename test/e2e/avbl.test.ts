// AVBL reports the free space of the user's file system where the adapter knows it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('AVBL', () => {
  let root: string;
  let local: TestServer;
  let memory: TestServer;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'ftpkit-avbl-'));
    await writeFile(join(root, 'file.txt'), 'x');
    local = await startTestServer({ fs: new LocalFileSystem({ root }) });
    memory = await startTestServer();
  });
  after(async () => {
    await Promise.all([local.close(), memory.close()]);
    await rm(root, { recursive: true, force: true });
  });

  it('answers 213 with the free bytes of a local directory, and FEAT lists it', async () => {
    const { client } = await RawClient.connect(local.port);
    try {
      await client.login();
      assert.match((await client.send('FEAT')).text, /\n AVBL\n/);
      const reply = await client.send('AVBL');
      assert.equal(reply.code, 213);
      assert.ok(Number(reply.text.slice(4)) > 0, reply.text);
      assert.equal((await client.send('AVBL /')).code, 213);
      assert.equal((await client.send('AVBL /file.txt')).code, 550, 'not a directory');
      assert.equal((await client.send('AVBL /missing')).code, 550);
    } finally {
      client.close();
    }
  });

  it('answers 502 where the file system cannot tell, and FEAT leaves it out', async () => {
    const { client } = await RawClient.connect(memory.port);
    try {
      await client.login();
      assert.doesNotMatch((await client.send('FEAT')).text, /AVBL/);
      assert.equal((await client.send('AVBL')).code, 502);
    } finally {
      client.close();
    }
  });

  it('needs a login', async () => {
    const { client } = await RawClient.connect(memory.port);
    try {
      assert.equal((await client.send('AVBL')).code, 530);
    } finally {
      client.close();
    }
  });
});

/** Working directory and directory commands: CWD CDUP PWD (and X- aliases), MKD RMD, path rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';

describe('navigation', () => {
  const t = useServer({ fs: new MemoryFileSystem({ files: { '/pub/docs/readme.txt': 'hi', '/pub/file.txt': 'x' } }) });

  it('PWD and XPWD report the working directory as 257 "path"', async () => {
    const client = await t.connect();
    assert.deepEqual([(await client.send('PWD')).text, (await client.send('XPWD')).text], ['257 "/" is the current directory.', '257 "/" is the current directory.']);
  });

  it('CWD, XCWD, CDUP and XCUP move around', async () => {
    const client = await t.connect();
    assert.equal((await client.send('CWD pub')).code, 250);
    assert.equal((await client.send('XCWD docs')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/pub\/docs"/);
    assert.equal((await client.send('CDUP')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/pub"/);
    assert.equal((await client.send('XCUP')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/"/);
    assert.equal((await client.send('CDUP')).code, 250, 'CDUP at the root stays at the root');
  });

  it('clamps CWD ../../.. and ..\\..\\.. at the root', async () => {
    const client = await t.connect();
    await client.send('CWD /pub/docs');
    assert.equal((await client.send('CWD ../../../../..')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/"/);
    await client.send('CWD /pub/docs');
    assert.equal((await client.send('CWD ..\\..\\..\\..')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/"/);
    assert.equal((await client.send('CWD ../../../pub')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/pub"/);
  });

  it('CWD to a missing path or a file answers 550 and stays put', async () => {
    const client = await t.connect();
    await client.send('CWD /pub');
    assert.equal((await client.send('CWD nowhere')).code, 550);
    assert.equal((await client.send('CWD file.txt')).code, 550);
    assert.match((await client.send('PWD')).text, /^257 "\/pub"/);
  });

  it('rejects a NUL in a path with 553', async () => {
    const client = await t.connect();
    assert.equal((await client.send('CWD pub\0docs')).code, 553);
    assert.equal((await client.send('MKD a\0b')).code, 553);
  });

  it('MKD and XMKD answer 257 with the quoted path, doubling embedded quotes', async () => {
    const client = await t.connect();
    assert.equal((await client.send('MKD /nav-a')).text, '257 "/nav-a" created.');
    assert.equal((await client.send('XMKD /nav-a/say "hi"')).text, '257 "/nav-a/say ""hi""" created.');
    assert.equal((await client.send('CWD /nav-a/say "hi"')).code, 250);
    assert.equal((await client.send('PWD')).text, '257 "/nav-a/say ""hi""" is the current directory.');
  });

  it('MKD refuses an existing directory, a missing parent and the root with 550', async () => {
    const client = await t.connect();
    assert.equal((await client.send('MKD /pub')).code, 550);
    assert.equal((await client.send('MKD /no/such/parent')).code, 550);
    assert.equal((await client.send('MKD /')).code, 550);
  });

  it('keeps spaces, leading dashes, quotes and unicode in names verbatim', async () => {
    const client = await t.connect();
    for (const name of [' lead space', 'trail space ', '-dash', "it's \"quoted\"", 'ünïcødé 日本語 🎉']) {
      const mkd = await client.send(`MKD /${name}`);
      assert.equal(mkd.code, 257, name);
      assert.equal((await t.fs.stat(`/${name}`)).type, 'directory', name);
      assert.equal((await client.send(`CWD /${name}`)).code, 250, name);
      assert.equal((await client.send(`RMD /${name}`)).code, 250, name);
    }
  });

  it('RMD and XRMD remove empty directories; non-empty, missing and root answer 550', async () => {
    const client = await t.connect();
    await client.send('MKD /nav-rm');
    await client.send('MKD /nav-rm/inner');
    assert.equal((await client.send('RMD /nav-rm')).code, 550);
    assert.equal((await client.send('XRMD /nav-rm/inner')).code, 250);
    assert.equal((await client.send('RMD /nav-rm')).code, 250);
    assert.equal((await client.send('RMD /nav-rm')).code, 550);
    assert.equal((await client.send('RMD /')).code, 550);
  });

  it('answers 501 to CWD and MKD without an argument, and to PWD and CDUP with one', async () => {
    const client = await t.connect();
    for (const line of ['CWD', 'MKD', 'RMD', 'PWD x', 'CDUP x']) assert.equal((await client.send(line)).code, 501, line);
  });
});

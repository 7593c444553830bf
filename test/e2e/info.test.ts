/** Information and parameter commands: SYST FEAT OPTS HELP STAT NOOP TYPE MODE STRU ALLO SITE. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';
import { download } from '../support/data.js';

describe('information commands', () => {
  const t = useServer({ fs: new MemoryFileSystem({ files: { '/pub/a.txt': 'aaa', '/pub/sub': null } }) });

  it('SYST answers 215 UNIX Type: L8', async () => {
    const client = await t.connect();
    assert.equal((await client.send('SYST')).text, '215 UNIX Type: L8');
  });

  it('FEAT lists each supported feature on its own line, indented by one space', async () => {
    const client = await t.connect();
    const reply = await client.send('FEAT');
    assert.equal(reply.code, 211);
    const lines = reply.text.split('\n');
    assert.equal(lines[0], '211-Features:');
    assert.equal(lines.at(-1), '211 End');
    const features = lines.slice(1, -1);
    for (const line of features) assert.match(line, /^ \S/);
    const names = features.map((l) => l.trim());
    for (const expected of ['EPRT', 'EPSV', 'MDTM', 'MFMT', 'SIZE', 'REST STREAM', 'TVFS', 'UTF8']) assert.ok(names.includes(expected), expected);
    assert.ok(names.some((n) => n.startsWith('MLST type*;size*;modify*;perm*;unix.mode*;')), names.join('|'));
    assert.equal(new Set(names).size, names.length, 'no duplicates');
  });

  it('OPTS UTF8 ON is accepted, OFF refused with 504, junk 501', async () => {
    const client = await t.connect();
    assert.equal((await client.send('OPTS UTF8 ON')).code, 200);
    assert.equal((await client.send('OPTS UTF8')).code, 200);
    assert.equal((await client.send('OPTS UTF8 OFF')).code, 504);
    assert.equal((await client.send('OPTS NONSENSE')).code, 501);
    assert.equal((await client.send('OPTS')).code, 501);
  });

  it('OPTS MLST selects the facts MLST and MLSD report, and FEAT marks them', async () => {
    const client = await t.connect();
    assert.equal((await client.send('OPTS MLST size;type;bogus;')).text, '200 MLST OPTS type;size;');
    const mlst = await client.send('MLST /pub/a.txt');
    assert.equal(mlst.text.split('\n')[1], ' type=file;size=3; /pub/a.txt');
    assert.match((await client.send('FEAT')).text, /MLST type\*;size\*;modify;perm;unix\.mode;/);
    const mlsd = (await download(client, 'MLSD /pub')).toString();
    assert.deepEqual(mlsd.split('\r\n').filter(Boolean).sort(), ['type=dir; sub', 'type=file;size=3; a.txt']);
  });

  it('HELP lists the commands; HELP verb shows its syntax; an unknown one is 502', async () => {
    const client = await t.connect();
    const help = await client.send('HELP');
    assert.equal(help.code, 214);
    for (const verb of ['RETR', 'MLSD', 'EPSV', 'XCWD', 'SITE']) assert.match(help.text, new RegExp(`\\b${verb}\\b`));
    assert.equal((await client.send('HELP retr')).text, '214 Syntax: RETR <sp> pathname');
    assert.equal((await client.send('HELP BOGUS')).code, 502);
  });

  it('STAT without argument gives the session status (211)', async () => {
    const client = await t.connect();
    const reply = await client.send('STAT');
    assert.equal(reply.code, 211);
    assert.match(reply.text, /Logged in as user/);
    assert.match(reply.text, /No data transfer in progress/);
    assert.match(reply.text.split('\n').at(-1)!, /^211 /);
  });

  it('STAT with a path lists it over the control connection (213), or 550', async () => {
    const client = await t.connect();
    const reply = await client.send('STAT /pub');
    assert.equal(reply.code, 213);
    const lines = reply.text.split('\n');
    assert.match(lines.find((l) => l.endsWith(' a.txt'))!, /^ -rw[-rwx]{7} +1 ftp +ftp +3 \w{3} [ \d]\d \d\d:\d\d a\.txt$/);
    assert.match(lines.find((l) => l.endsWith(' sub'))!, /^ drwx/);
    assert.match((await client.send('STAT -la /pub/a.txt')).text, / a\.txt\n213 /);
    assert.equal((await client.send('STAT /missing')).code, 550);
  });

  it('NOOP answers 200; with an argument 501', async () => {
    const client = await t.connect();
    assert.equal((await client.send('NOOP')).code, 200);
    assert.equal((await client.send('NOOP x')).code, 501);
  });
});

describe('transfer parameters', () => {
  const t = useServer();

  it('TYPE accepts A, A N, I, L 8; refuses other types with 504 and junk with 501', async () => {
    const client = await t.connect();
    for (const [arg, code] of [
      ['A', 200], ['a n', 200], ['I', 200], ['i', 200], ['L 8', 200],
      ['E', 504], ['A T', 504], ['A C', 504], ['L 7', 504],
      ['X', 501], ['IMAGE', 501], ['', 501],
    ] as const) {
      assert.equal((await client.send(`TYPE ${arg}`.trim())).code, code, `TYPE ${arg}`);
    }
    await client.send('TYPE A');
    assert.match((await client.send('STAT')).text, /TYPE: ASCII/);
    await client.send('TYPE L 8');
    assert.match((await client.send('STAT')).text, /TYPE: BINARY/);
  });

  it('MODE S and STRU F are accepted; other modes and structures 504; junk 501', async () => {
    const client = await t.connect();
    for (const [line, code] of [
      ['MODE S', 200], ['MODE s', 200], ['MODE B', 504], ['MODE C', 504], ['MODE Q', 501],
      ['STRU F', 200], ['STRU R', 504], ['STRU P', 504], ['STRU Q', 501],
    ] as const) {
      assert.equal((await client.send(line)).code, code, line);
    }
  });

  it('ALLO accepts a size (202) and refuses junk (501)', async () => {
    const client = await t.connect();
    assert.equal((await client.send('ALLO 1024')).code, 202);
    assert.equal((await client.send('ALLO 1024 R 128')).code, 202);
    assert.equal((await client.send('ALLO lots')).code, 501);
  });

  it('REST accepts a byte offset (350) and refuses junk (501)', async () => {
    const client = await t.connect();
    assert.equal((await client.send('REST 100')).code, 350);
    assert.equal((await client.send('REST -1')).code, 501);
    assert.equal((await client.send('REST x')).code, 501);
  });
});

describe('SITE', () => {
  const t = useServer({ fs: new MemoryFileSystem({ files: { '/site/f.txt': 'f' } }) });

  it('SITE HELP lists the subcommands; SITE HELP CHMOD its syntax', async () => {
    const client = await t.connect();
    const help = await client.send('SITE HELP');
    assert.equal(help.code, 214);
    assert.match(help.text, /CHMOD/);
    assert.equal((await client.send('SITE HELP CHMOD')).code, 214);
    assert.equal((await client.send('SITE HELP NOPE')).code, 501);
  });

  it('SITE CHMOD changes the mode shown by LIST and MLST', async () => {
    const client = await t.connect();
    assert.equal((await client.send('SITE CHMOD 750 /site/f.txt')).code, 200);
    assert.equal((await t.fs.stat('/site/f.txt')).mode! & 0o777, 0o750);
    assert.match((await client.send('MLST /site/f.txt')).text, /unix\.mode=0750;/);
    assert.match((await client.send('STAT /site/f.txt')).text, / -rwxr-x--- /);
  });

  it('SITE CHMOD refuses bad modes (501), missing files (550), read-only users (550)', async () => {
    const client = await t.connect();
    assert.equal((await client.send('SITE CHMOD 999 /site/f.txt')).code, 501);
    assert.equal((await client.send('SITE CHMOD 644')).code, 501);
    assert.equal((await client.send('SITE CHMOD 644 /site/none')).code, 550);
    const reader = await t.connect({ user: 'reader', pass: 'reader' });
    assert.equal((await reader.send('SITE CHMOD 777 /site/f.txt')).code, 550);
  });

  it('unknown SITE subcommands answer 501, and SITE alone 501', async () => {
    const client = await t.connect();
    assert.equal((await client.send('SITE BOGUS x')).code, 501);
    assert.equal((await client.send('SITE')).code, 501);
  });
});

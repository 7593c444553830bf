/** Directory listings over the wire: LIST, NLST, MLSD (data connection), MLST (control). */
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { writeAll } from '@ftpkit/fs-testkit';
import { download, type DataMode } from '../support/data.js';
import { useBackendServer, type Backend } from './backend.js';

const LS_LINE = /^([-dl])([-rwxsStT]{9}) +\d+ +\S+ +\S+ +(\d+) (\w{3}) ([ \d]\d) (\d\d:\d\d| \d{4}) (.+)$/;

/** Names in an `ls -l` listing, with type and size. */
function parseList(text: string): Map<string, { type: string; size: number }> {
  const entries = new Map<string, { type: string; size: number }>();
  for (const line of text.split('\r\n').filter(Boolean)) {
    const m = LS_LINE.exec(line);
    assert.ok(m, `not an ls -l line: ${JSON.stringify(line)}`);
    entries.set(m[7]!, { type: m[1]!, size: Number(m[3]) });
  }
  return entries;
}

/** Facts per name in an MLSD listing. */
function parseMlsd(text: string): Map<string, Record<string, string>> {
  const entries = new Map<string, Record<string, string>>();
  for (const line of text.split('\r\n').filter(Boolean)) {
    const space = line.indexOf(' ');
    const facts = Object.fromEntries(
      line.slice(0, space).split(';').filter(Boolean).map((f) => f.split('=') as [string, string]),
    );
    entries.set(line.slice(space + 1), facts);
  }
  return entries;
}

export function listingTests(backend: Backend): void {
  describe(`listings (${backend.name})`, () => {
    const ctx = useBackendServer(backend);
    const { t } = ctx;
    const names = ['a.txt', 'with space.txt', '-dash', 'quote "q"', 'ünï 日本'];

    before(async () => {
      await ctx.fs.mkdir('/l');
      await ctx.fs.mkdir('/l/sub');
      await ctx.fs.mkdir('/empty');
      for (const name of names) await writeAll(ctx.fs, `/l/${name}`, name);
    });

    for (const mode of ['passive', 'port', 'eprt'] as DataMode[]) {
      it(`LIST gives ls -l lines every client parses (${mode})`, async () => {
        const client = await t.connect();
        const entries = parseList((await download(client, 'LIST /l', mode)).toString());
        assert.deepEqual([...entries.keys()].sort(), [...names, 'sub'].sort());
        assert.equal(entries.get('sub')!.type, 'd');
        for (const name of names) assert.deepEqual(entries.get(name), { type: '-', size: Buffer.byteLength(name) });
      });
    }

    it('LIST accepts ls flags (-la, -a, -l) and lists the working directory without a path', async () => {
      const client = await t.connect();
      await client.send('CWD /l');
      const plain = parseList((await download(client, 'LIST')).toString());
      for (const flags of ['-la', '-a', '-l', '-la /l', '-aL']) {
        const listed = parseList((await download(client, `LIST ${flags}`)).toString());
        assert.deepEqual([...listed.keys()].sort(), [...plain.keys()].sort(), flags);
      }
    });

    it('LIST of a file lists that file; of a missing path 550; of an empty directory nothing', async () => {
      const client = await t.connect();
      const single = parseList((await download(client, 'LIST /l/a.txt')).toString());
      assert.deepEqual([...single.keys()], ['a.txt']);
      assert.equal((await download(client, 'LIST /empty')).length, 0);
      await client.passive();
      assert.equal((await client.send('LIST /missing')).code, 550);
    });

    it('listings are CRLF lines whatever the TYPE', async () => {
      const client = await t.connect();
      await client.send('TYPE I');
      const text = (await download(client, 'NLST /l')).toString();
      assert.ok(text.endsWith('\r\n'));
      assert.ok(!/[^\r]\n/.test(text));
    });

    it('NLST gives bare names', async () => {
      const client = await t.connect();
      const listed = (await download(client, 'NLST /l', 'port')).toString().split('\r\n').filter(Boolean);
      assert.deepEqual(listed.sort(), [...names, 'sub'].sort());
      await client.send('CWD /l');
      assert.deepEqual((await download(client, 'NLST')).toString().split('\r\n').filter(Boolean).sort(), listed.sort());
    });

    it('MLSD reports type, size, modify, perm and unix.mode facts', async () => {
      const client = await t.connect();
      const entries = parseMlsd((await download(client, 'MLSD /l', 'eprt')).toString());
      assert.deepEqual([...entries.keys()].sort(), [...names, 'sub'].sort());
      const file = entries.get('a.txt')!;
      assert.equal(file.type, 'file');
      assert.equal(file.size, '5');
      assert.match(file.modify!, /^\d{14}$/);
      assert.equal(file.modify, (await client.send('MDTM /l/a.txt')).text.slice(4));
      assert.equal(file.perm, 'rawdf');
      const dir = entries.get('sub')!;
      assert.equal(dir.type, 'dir');
      assert.equal(dir.size, undefined);
      assert.equal(dir.perm, 'elcmpdf');
      if (file['unix.mode'] !== undefined) assert.match(file['unix.mode'], /^0[0-7]{3,4}$/);
    });

    it('MLSD perm facts follow the user: read-only', async () => {
      const client = await t.connect({ user: 'reader', pass: 'reader' });
      const entries = parseMlsd((await download(client, 'MLSD /l')).toString());
      assert.equal(entries.get('a.txt')!.perm, 'r');
      assert.equal(entries.get('sub')!.perm, 'el');
    });

    it('MLSD of a file answers 501, of a missing path 550', async () => {
      const client = await t.connect();
      await client.passive();
      assert.equal((await client.send('MLSD /l/a.txt')).code, 501);
      assert.equal((await client.send('MLSD /missing')).code, 550);
    });

    it('MLST answers on the control connection with the facts of one entry', async () => {
      const client = await t.connect();
      const reply = await client.send('MLST /l/with space.txt');
      assert.equal(reply.code, 250);
      const lines = reply.text.split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /^250-/);
      assert.match(lines[1]!, /^ type=file;size=14;modify=\d{14};perm=rawdf;(unix\.mode=0[0-7]+;)? \/l\/with space\.txt$/);
      assert.match(lines[2]!, /^250 /);
      assert.match((await client.send('MLST /l/sub')).text, /\n type=dir;modify=\d{14};perm=elcmpdf;(unix\.mode=0[0-7]+;)? \/l\/sub\n/);
      await client.send('CWD /l');
      assert.match((await client.send('MLST')).text, / \/l\n/);
      assert.equal((await client.send('MLST /missing')).code, 550);
    });
  });
}

/**
 * ABOR of a command that is not a transfer (RFC 959 4.1.3): a slow RNTO, DELE or MKD has
 * its adapter call aborted through the command's signal, the command answers 426 and
 * ABOR 226, and the session goes on. A client that disconnects releases the call too,
 * and so does the session closing; an ABOR queued behind another command keeps every
 * reply in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { faultyFileSystem } from '@ftpkit/fs-testkit';
import { useServer } from '../support/fixture.js';

const files = { '/tree/a.txt': 'a', '/doomed.txt': 'd', '/other.txt': 'o', '/late.txt': 'l', '/later.txt': 'l' };
const inner = new MemoryFileSystem({ files });
const fs = faultyFileSystem(inner, {
  'rename:/tree': 'hang-until-aborted',
  'remove:/doomed.txt': { delay: 60_000 },
  'mkdir:/stuck': 'hang-until-aborted',
  'mkdir:/closing': 'hang-until-aborted',
  'remove:/late.txt': { delay: 300 },
  'remove:/later.txt': { delay: 300 },
});

/** Wait until `key` is among the released hangs (or give up after 5 s). */
async function released(key: (typeof fs.released)[number]): Promise<void> {
  for (let waited = 0; !fs.released.includes(key) && waited < 5000; waited += 20) await sleep(20);
}

describe('ABOR of a running command that is not a transfer', () => {
  const t = useServer({ fs });

  it('a slow RNTO: the adapter call is released, 426 then 226, the source is intact and the session goes on', async () => {
    const client = await t.connect();
    assert.equal((await client.send('RNFR /tree')).code, 350);
    client.write('RNTO /moved\r\n');
    await sleep(100);
    assert.equal(fs.released.length, 0, 'released before ABOR');
    client.write('ABOR\r\n');
    const rnto = await client.read();
    assert.equal(rnto.code, 426, rnto.text);
    assert.equal((await client.read()).code, 226);
    assert.ok(fs.released.includes('rename:/tree'));
    assert.equal((await inner.stat('/tree/a.txt')).size, 1);
    assert.equal((await client.send('NOOP')).code, 200);
    assert.equal((await client.send('RNFR /other.txt')).code, 350);
    assert.equal((await client.send('RNTO /renamed.txt')).code, 250);
    assert.equal((await client.send('SIZE /renamed.txt')).code, 213);
  });

  it('a slow DELE is cut short well before its delay and the file stays', async () => {
    const client = await t.connect();
    const started = Date.now();
    client.write('DELE /doomed.txt\r\n');
    await sleep(100);
    client.write('ABOR\r\n');
    assert.equal((await client.read()).code, 426);
    assert.equal((await client.read()).code, 226);
    assert.ok(Date.now() - started < 5000);
    assert.equal((await client.send('SIZE /doomed.txt')).code, 213);
  });

  it('a client that disconnects during a slow MKD releases the adapter call', async () => {
    const client = await t.connect();
    client.write('MKD /stuck\r\n');
    await sleep(100);
    assert.ok(!fs.released.includes('mkdir:/stuck'), 'released before the client left');
    client.close();
    await released('mkdir:/stuck');
    assert.ok(fs.released.includes('mkdir:/stuck'));
  });

  it('closing the session (421) releases the adapter call of a running command', async () => {
    const loggedIn = new Promise<Session>((resolve) => t.server.server.once('login', resolve));
    const client = await t.connect();
    const session = await loggedIn;
    client.write('MKD /closing\r\n');
    await sleep(100);
    assert.ok(!fs.released.includes('mkdir:/closing'), 'released before the session closed');
    await session.close('Server going down.');
    await released('mkdir:/closing');
    assert.ok(fs.released.includes('mkdir:/closing'));
  });

  it('an ABOR queued behind another command waits its turn: every reply comes in order', async () => {
    const client = await t.connect();
    client.write('DELE /late.txt\r\nNOOP\r\nABOR\r\n');
    assert.equal((await client.read()).code, 250);
    assert.equal((await client.read()).code, 200);
    assert.equal((await client.read()).code, 225);
    assert.equal((await client.send('ABOR')).code, 225);
  });

  it('an ABOR that its own checks refuse (an argument, no login) is queued, not answered first', async () => {
    const client = await t.connect();
    client.write('DELE /later.txt\r\n');
    await sleep(50);
    client.write('ABOR now\r\n');
    assert.equal((await client.read()).code, 250);
    assert.equal((await client.read()).code, 501);
    const { client: guest } = await t.connectRaw();
    assert.equal((await guest.send('USER user')).code, 331);
    // ABOR arrives while PASS runs: before the login it must wait for PASS's reply.
    guest.write('PASS pass\r\nABOR\r\n');
    assert.deepEqual([(await guest.read()).code, (await guest.read()).code], [230, 225]);
  });
});

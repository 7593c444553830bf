/**
 * Passive ports behind a port-shifting balancer (a Kubernetes NodePort in front of a
 * pod): HAProxy takes each node's slice 1000 ports higher and forwards it to the node's
 * own ports; the node advertises the shifted ports with `--passive-port-offset`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runOk, skipUnless } from '../support/process.js';
import { RawClient } from '../support/raw-client.js';
import { skipUnlessHaproxy, startFleet, type Fleet } from './fleet.js';

const OFFSET = 1000;

describe('passive ports advertised with an offset, behind a shifting balancer', { skip: skipUnlessHaproxy() }, () => {
  let fleet: Fleet;
  let dir: string;

  before(async () => {
    fleet = await startFleet({ nodes: 1, advertisedOffset: OFFSET });
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-nodeport-'));
  });
  after(async () => {
    await fleet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('PASV and EPSV advertise the shifted port, in the balancer\'s range', async () => {
    const { passivePorts } = fleet.nodes[0]!;
    const { client } = await RawClient.connect(fleet.port, fleet.host);
    await client.login('alice', 'secret');
    const epsv = Number(/\|\|\|(\d+)\|/.exec((await client.send('EPSV')).text)![1]);
    const pasv = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec((await client.send('PASV')).text)!.slice(1).map(Number);
    assert.deepEqual(pasv.slice(0, 4), [127, 0, 0, 1], 'the balancer is the public host');
    for (const port of [epsv, pasv[4]! * 256 + pasv[5]!]) {
      assert.ok(port >= passivePorts.min + OFFSET && port <= passivePorts.max + OFFSET, `${port} in the shifted range`);
    }
    await client.send('QUIT');
  });

  it('curl uploads and downloads through the shifted ports (EPSV and PASV)', { skip: skipUnless('curl') }, async () => {
    const curl = (...args: string[]) => runOk('curl', ['-sS', '--max-time', '30', '-u', 'alice:secret', ...args]);
    const data = randomBytes(256 * 1024);
    await writeFile(join(dir, 'up.bin'), data);
    const url = `ftp://${fleet.host}:${fleet.port}/shifted.bin`;
    await curl('-T', join(dir, 'up.bin'), url);
    await curl('--disable-epsv', '-o', join(dir, 'down.bin'), url);
    assert.ok((await readFile(join(dir, 'down.bin'))).equals(data));
  });
});

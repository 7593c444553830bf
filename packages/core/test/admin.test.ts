import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { localAdmin } from '../src/admin.js';
import { DEFENDER_DEFAULTS, Defender, type AddressBannedEvent } from '../src/security/defender.js';
import { createTestCerts } from '../../../test/support/certs.js';
import { skipUnless } from '../../../test/support/process.js';
import { RawClient } from '../../../test/support/raw-client.js';
import { serversClosedAfterFile } from '../../../test/support/server.js';

const startServer = serversClosedAfterFile();

describe('Defender.ban and Defender.bans', () => {
  it('lists bans in force, soonest first, and forgets them when they end or are lifted', async () => {
    let now = 1_000_000;
    const events: AddressBannedEvent[] = [];
    const defender = new Defender({ ...DEFENDER_DEFAULTS }, (e) => events.push(e), () => now);
    await defender.ban('192.0.2.1', 60_000);
    await defender.ban('::FFFF:192.0.2.2', 30_000); // mapped IPv4 is banned as the IPv4 address
    assert.deepEqual(
      (await defender.bans()).map((b) => [b.address, b.until.getTime() - now, b.bans]),
      [
        ['192.0.2.2', 30_000, 1],
        ['192.0.2.1', 60_000, 1],
      ],
    );
    assert.equal(await defender.isBanned('192.0.2.2'), true);
    assert.deepEqual(events.map((e) => [e.address, e.failures]), [['192.0.2.1', 0], ['192.0.2.2', 0]]);
    now += 30_000;
    assert.deepEqual((await defender.bans()).map((b) => b.address), ['192.0.2.1']);
    await defender.unban('192.0.2.1');
    assert.deepEqual(await defender.bans(), []);
    await assert.rejects(defender.ban('192.0.2.3', 0), RangeError);
    await assert.rejects(defender.ban('192.0.2.3', Number.NaN), RangeError);
  });
});

describe('localAdmin', () => {
  it('snapshots a logged-in basic-ftp session with its running upload, and closes it with 421', async (t) => {
    const { server, port } = await startServer();
    const admin = localAdmin(server);
    const client = new Client(5000);
    t.after(() => client.close());
    await client.access({ host: '127.0.0.1', port, user: 'user', password: 'pass' });
    await client.ensureDir('/inbox');
    // An upload that sends 64 KiB and then waits: the snapshot must show it running.
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(64 * 1024, 7));
    const upload = client.uploadFrom(source, 'big.bin').catch((err: Error) => err);
    let listed = await admin.sessions();
    for (let i = 0; i < 100 && !(listed[0]?.transfer && listed[0].transfer.bytes >= 64 * 1024); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      listed = await admin.sessions();
    }
    assert.equal(listed.length, 1);
    const [s] = listed;
    assert.equal(s!.user, 'user');
    assert.equal(s!.address, '127.0.0.1');
    assert.equal(s!.cwd, '/inbox');
    assert.equal(s!.secure, false);
    assert.ok(!Number.isNaN(Date.parse(s!.connectedAt)));
    assert.equal(s!.transfer?.command, 'STOR');
    assert.equal(s!.transfer?.path, '/inbox/big.bin');
    assert.equal(s!.transfer?.direction, 'upload');
    assert.equal(s!.transfer?.bytes, 64 * 1024);
    assert.ok(s!.transfer!.rate > 0);
    assert.equal((await admin.session(s!.id))?.id, s!.id);
    assert.equal(JSON.parse(JSON.stringify(s)).user, 'user');

    const ended = new Promise((resolve) => server.once('transfer-end', (e) => resolve(e.result.status)));
    assert.equal(await admin.closeSession(s!.id), true);
    assert.equal(await ended, 'aborted');
    assert.match(String(await upload), /421|closed/i);
    assert.deepEqual(await admin.sessions(), []);
    assert.equal(await admin.closeSession(s!.id), false);
    assert.equal(await admin.session('no-such-id'), undefined);
  });

  it('bans refuse new connections with 421, close open sessions, and lift', async () => {
    const { server, port } = await startServer();
    const admin = localAdmin(server);
    const { client: open } = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
    const ban = await admin.ban('127.0.0.2', 60_000);
    assert.equal(ban.address, '127.0.0.2');
    assert.ok(Date.parse(ban.until) > Date.now() + 50_000);
    assert.equal((await open.read()).code, 421); // the open session is told and closed
    if (!open.closed) await once(open.socket, 'close');
    const { banner } = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
    assert.equal(banner.code, 421);
    const { client: other, banner: otherBanner } = await RawClient.connect(port, '127.0.0.1', '127.0.0.1');
    assert.equal(otherBanner.code, 220);
    other.socket.destroy();
    assert.deepEqual((await admin.bans()).map((b) => b.address), ['127.0.0.2']);
    await assert.rejects(admin.ban('not-an-address', 1000), RangeError);
    await assert.rejects(admin.ban('127.0.0.3', -1), RangeError);
    assert.equal(await admin.unban('127.0.0.2'), true);
    assert.equal(await admin.unban('127.0.0.2'), false);
    const { client: again, banner: againBanner } = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
    assert.equal(againBanner.code, 220);
    again.socket.destroy();
  });

  it('reports TLS on the control connection and PROT P', { skip: skipUnless('openssl', ['version']) }, async (t) => {
    const certs = createTestCerts();
    t.after(() => certs.remove());
    const { cert, key } = certs.issue('127.0.0.1');
    const { server, port } = await startServer({ tls: { cert, key } });
    const admin = localAdmin(server);
    const { client } = await RawClient.connect(port);
    t.after(() => client.close());
    const mine = async () => (await admin.sessions()).find((s) => s.port === client.socket.localPort)!;
    assert.deepEqual([(await mine()).secure, (await mine()).protectedData], [false, false]);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    await client.upgrade();
    await client.login('user', 'pass');
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT P')).code, 200);
    assert.deepEqual([(await mine()).user, (await mine()).secure, (await mine()).protectedData], ['user', true, true]);
  });
});

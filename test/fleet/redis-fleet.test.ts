// Two (or three) ftpkit program processes sharing one redis-server and one directory,
// clients connecting to each node directly: bans, maxSessionsPerUser and quotas hold
// across the nodes, a SIGKILLed node's leases expire, and a Redis restart is survived.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { tryUpload } from '../support/data.js';
import { RedisProcess, redisSkip } from '../support/redis.js';
import { connectTo, startNode, tryLogin, type FleetConfig, type Node } from './support.js';

const KiB = 1024;

describe('a fleet sharing Redis', { skip: redisSkip }, () => {
  let redis: RedisProcess;
  let dir: string;
  let config: FleetConfig;
  let a: Node;
  let b: Node;

  before(async () => {
    redis = await RedisProcess.start();
    dir = mkdtempSync(join(tmpdir(), 'ftpkit-fleet-'));
    mkdirSync(join(dir, 'files'));
    config = { dir, redis: redis.url, prefix: 'fleet:', maxSessionsPerUser: 2, quota: '300KiB', leaseTtl: 1.5 };
    [a, b] = await Promise.all([startNode(config, 'a'), startNode(config, 'b')]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('maxSessionsPerUser counts sessions on both nodes', async () => {
    const first = await tryLogin(a);
    const second = await tryLogin(b);
    assert.deepEqual([first.code, second.code], [230, 230]);
    const third = await tryLogin(a);
    assert.equal(third.code, 530, 'a third session on either node is refused');
    third.client.close();
    first.client.close();
    await sleep(200); // the slot is given back when the session closes
    const again = await tryLogin(a);
    assert.equal(again.code, 230);
    again.client.close();
    second.client.close();
  });

  test('a quota holds across nodes, with sessions open on both', async () => {
    const onA = await tryLogin(a);
    const onB = await tryLogin(b);
    try {
      for (const { client } of [onA, onB]) assert.equal((await client.send('TYPE I')).code, 200);
      const first = await tryUpload(onA.client, 'STOR first.bin', Buffer.alloc(200 * KiB, 1));
      assert.equal(first.final.code, 226, first.final.text);
      const second = await tryUpload(onB.client, 'STOR second.bin', Buffer.alloc(200 * KiB, 2));
      assert.equal(second.final.code, 552, `node B saw node A's 200 KiB: ${second.final.text}`);
      assert.equal((await onB.client.send('DELE first.bin')).code, 250);
      // Both nodes at once for the last bytes: at most one of them gets them.
      const race = await Promise.all([
        tryUpload(onA.client, 'STOR race-a.bin', Buffer.alloc(200 * KiB, 3)),
        tryUpload(onB.client, 'STOR race-b.bin', Buffer.alloc(200 * KiB, 4)),
      ]);
      // Never both: the quota is never overfilled. Both may be refused when their grants
      // interleave so that each holds part of the room the other needs.
      const codes = race.map((r) => r.final.code).sort();
      assert.ok(JSON.stringify(codes) === '[226,552]' || JSON.stringify(codes) === '[552,552]', `race answered ${codes.join(', ')}`);
    } finally {
      onA.client.close();
      onB.client.close();
    }
  });

  test("a SIGKILLed node's session slots come back after the lease TTL", async () => {
    const doomed = await startNode(config, 'c');
    const held = await Promise.all([tryLogin(doomed), tryLogin(doomed)]);
    assert.deepEqual(held.map((h) => h.code), [230, 230]);
    await sleep(3000); // two lease TTLs: only renewals keep the slots
    const whileAlive = await tryLogin(a);
    assert.equal(whileAlive.code, 530, 'a live node renews its leases');
    whileAlive.client.close();
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    const refused = await tryLogin(a);
    // Renewed at most a third of the TTL before the kill, the slots outlive the node by at
    // least 1 s; a login answered later than that (a loaded machine) proves nothing here.
    if (Date.now() - killedAt < 1000) assert.equal(refused.code, 530, 'the dead node still holds both slots at first');
    refused.client.close();
    let code = 530;
    while (code === 530 && Date.now() - killedAt < 10_000) {
      await sleep(250);
      const attempt = await tryLogin(a);
      code = attempt.code;
      attempt.client.close();
    }
    const waited = Date.now() - killedAt;
    assert.equal(code, 230);
    assert.ok(waited <= 1500 + 2000, `slots back ${waited} ms after the kill (lease TTL 1.5 s)`);
  });

  test('a brute-forcer banned through node A is refused by node B', async () => {
    // Four sessions from 127.0.0.2 at once, three failures each: the tenth bans it.
    const attack = async () => {
      const { client } = await connectTo(a, '127.0.0.2');
      for (let i = 0; i < 3 && !client.closed; i++) {
        await client.send('USER alice');
        const reply = await client.send('PASS guess').catch(() => undefined);
        if (!reply || reply.code === 421) break;
      }
      client.close();
    };
    await Promise.all([attack(), attack(), attack(), attack()]);
    const refused = await connectTo(b, '127.0.0.2');
    assert.equal(refused.banner.code, 421, refused.banner.text);
    assert.match(refused.banner.text, /failed logins/);
    refused.client.close();
    const other = await connectTo(b, '127.0.0.3');
    assert.equal(other.banner.code, 220, 'another address is not affected');
    other.client.close();
  });

  test('redis-server restarted mid-run: 421 while it is down (fail closed), then the fleet works again', async () => {
    const open = await tryLogin(b);
    assert.equal(open.code, 230);
    await redis.stop();
    const during = await connectTo(a);
    assert.equal(during.banner.code, 421, `while Redis is down: ${during.banner.text}`);
    during.client.close();
    assert.equal((await open.client.send('NOOP')).code, 200, 'a logged-in session carries on');
    await redis.restart();
    let code = 0;
    for (let i = 0; i < 40 && code !== 230; i++) {
      await sleep(250);
      const attempt = await tryLogin(a).catch(() => undefined);
      code = attempt?.code ?? 0;
      attempt?.client.close();
    }
    assert.equal(code, 230, 'logins work again once Redis is back');
    assert.equal((await open.client.send('NOOP')).code, 200);
    open.client.close();
    assert.equal(a.child.exitCode, null, 'node A never crashed');
    assert.equal(b.child.exitCode, null, 'node B never crashed');
  });
});

describe('fail open', { skip: redisSkip }, () => {
  test('with failurePolicy open, logins go on with local limits while Redis is down', async () => {
    const redis = await RedisProcess.start();
    const dir = mkdtempSync(join(tmpdir(), 'ftpkit-fleet-open-'));
    mkdirSync(join(dir, 'files'));
    const node = await startNode({ dir, redis: redis.url, prefix: 'open:', failurePolicy: 'open', maxSessionsPerUser: 1 }, 'open');
    try {
      await redis.stop();
      const first = await tryLogin(node);
      assert.equal(first.code, 230, 'admitted on local limits');
      const second = await tryLogin(node);
      assert.equal(second.code, 530, 'the local limit still holds');
      first.client.close();
      second.client.close();
      assert.match(node.errors(), /shared state unavailable.*falling back to local limits/);
    } finally {
      await node.stop();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The whole fleet shape at once: two `ftpkit` nodes behind a real HAProxy (PROXY v2)
 * sharing one real redis-server. Limits must apply to each client's own address and
 * user across both nodes, never to the balancer: a brute-forcer banned through one
 * node is refused by both while another client behind the same balancer gets in, and
 * `maxSessionsPerUser` counts the sessions the balancer spread over both nodes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RedisProcess, redisSkip } from '../support/redis.js';
import { RawClient } from '../support/raw-client.js';
import { BALANCER_SOURCE, skipUnlessHaproxy, startFleet, type Fleet } from './fleet.js';

describe('a fleet behind HAProxy sharing Redis', { skip: skipUnlessHaproxy() || redisSkip }, () => {
  let redis: RedisProcess;
  let fleet: Fleet;
  let dir: string;

  before(async () => {
    redis = await RedisProcess.start();
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-balanced-redis-'));
    const config = join(dir, 'ftpkit.json');
    await writeFile(
      config,
      JSON.stringify({
        limits: { maxSessionsPerUser: 2 },
        state: { redis: redis.url, prefix: 'balanced:', leaseTtl: 2 },
        defender: { failedLoginDelay: 0.05, maxLoginFailuresPerSession: 3, banAfterFailures: 4 },
      }),
    );
    fleet = await startFleet({ args: () => ['--config', config, '--user', 'alice:secret'] });
  });
  after(async () => {
    await fleet?.stop();
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const connect = (from: string) => RawClient.connect(fleet.port, fleet.host, from);

  it('bans the brute-forcer behind the balancer on both nodes, not the balancer', () => fleet.explained(async () => {
    // Round robin: two sessions of three failures each land on both nodes; the 4th failure bans.
    for (let session = 0; session < 2; session++) {
      const { client, banner } = await connect('127.0.0.5');
      if (banner.code !== 220) break; // already banned
      for (let i = 0; i < 3 && !client.closed; i++) {
        await client.send('USER alice');
        const reply = await client.send('PASS guess').catch(() => undefined);
        if (!reply || reply.code === 421) break;
      }
      client.close();
    }
    // Two more connections reach both nodes: both refuse the banned address before the banner.
    for (let i = 0; i < 2; i++) {
      const { client, banner } = await connect('127.0.0.5');
      assert.equal(banner.code, 421, banner.text);
      assert.match(banner.text, /failed logins/);
      client.close();
    }
    // Everyone else comes through the same balancer address and is served by both nodes.
    for (let i = 0; i < 2; i++) {
      const { client, banner } = await connect('127.0.0.6');
      assert.equal(banner.code, 220);
      await client.login('alice', 'secret');
      client.close();
    }
    const failures = fleet.nodes.map((node) => node.logs().filter((l) => l.msg === 'login failed'));
    assert.ok(failures.every((lines) => lines.length > 0), 'each node saw failed logins');
    for (const lines of failures) for (const line of lines) assert.deepEqual([line.address, line.via], ['127.0.0.5', BALANCER_SOURCE]);
  }));

  it('maxSessionsPerUser counts the sessions the balancer spread over both nodes', () => fleet.explained(async () => {
    const held: RawClient[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const { client } = await connect('127.0.0.7');
        await client.login('alice', 'secret');
        held.push(client);
      }
      // The next two connections go to each node in turn: both know of the two sessions.
      for (let i = 0; i < 2; i++) {
        const { client } = await connect('127.0.0.8');
        held.push(client);
        await client.send('USER alice');
        const reply = await client.send('PASS secret');
        assert.equal(reply.code, 530, reply.text);
        assert.match(reply.text, /Too many sessions/);
      }
      const nodesUsed = fleet.nodes.filter((node) => node.logs().some((l) => l.msg === 'login' && l.address === '127.0.0.7'));
      assert.equal(nodesUsed.length, 2, 'the two sessions were on different nodes');
    } finally {
      for (const client of held) client.close();
    }
  }));
});

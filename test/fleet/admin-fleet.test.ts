/**
 * The admin API of one node sees and acts on the whole fleet sharing its Redis: it lists
 * a session held by another node, a kick reaches that node (the client gets 421), and a
 * ban closes the banned address's session there and refuses it at connect.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { SessionSnapshot } from '@ftpkit/core';
import { RedisProcess, redisSkip } from '../support/redis.js';
import { connectTo, startNode, type FleetConfig, type Node } from './support.js';

const TOKEN = 'fleet-admin-token-0123456789';

describe('the admin API across a fleet sharing Redis', { skip: redisSkip }, () => {
  let redis: RedisProcess;
  let dir: string;
  let a: Node;
  let b: Node;
  let adminUrl: string;

  before(async () => {
    redis = await RedisProcess.start();
    dir = mkdtempSync(join(tmpdir(), 'ftpkit-admin-fleet-'));
    mkdirSync(join(dir, 'files'));
    const config: FleetConfig = { dir, redis: redis.url, prefix: 'admin-fleet:' };
    [a, b] = await Promise.all([startNode(config, 'a', ['--admin-port', '0', '--admin-token', TOKEN]), startNode(config, 'b')]);
    adminUrl = /admin dashboard on (http:\/\/\S+\/)/.exec(a.output())![1]!;
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, adminUrl), { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

  /** Poll node A's listing until `match` finds a session (nodes publish once a second). */
  async function listed(match: (s: SessionSnapshot) => boolean): Promise<SessionSnapshot> {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(100)) {
      const found = ((await (await api('api/sessions')).json()) as SessionSnapshot[]).find(match);
      if (found) return found;
    }
    assert.fail('the session never appeared in node A’s listing');
  }

  test("lists a session of node B on node A, and a kick from A closes it on B with 421", async () => {
    const { client } = await connectTo(b, '127.0.0.21');
    await client.login('alice', 'wonderland');
    const session = await listed((s) => s.address === '127.0.0.21' && s.user === 'alice');
    assert.equal(session.user, 'alice');
    assert.ok(session.node && session.node.length > 0, 'the listing names the node holding it');
    const kicked = await api(`api/sessions/${session.id}`, { method: 'DELETE' });
    assert.equal(kicked.status, 204);
    const reply = await client.read(5000);
    assert.equal(reply.code, 421);
    assert.match(reply.text, /administrator/);
    const unknown = await api('api/sessions/00000000-0000-0000-0000-000000000000', { method: 'DELETE' });
    assert.equal(unknown.status, 404);
  });

  test('a ban set on node A closes the address’s session on node B and is refused there', async () => {
    const { client } = await connectTo(b, '127.0.0.22');
    await client.login('alice', 'wonderland');
    await listed((s) => s.address === '127.0.0.22' && s.user === 'alice');
    const banned = await api('api/bans', { method: 'POST', body: JSON.stringify({ address: '127.0.0.22', duration: 60 }) });
    assert.equal(banned.status, 201);
    assert.equal((await client.read(5000)).code, 421);
    const again = await connectTo(b, '127.0.0.22');
    assert.equal(again.banner.code, 421);
    again.client.close();
    assert.equal((await api('api/bans/127.0.0.22', { method: 'DELETE' })).status, 204);
    const lifted = await connectTo(b, '127.0.0.22');
    assert.equal(lifted.banner.code, 220);
    lifted.client.close();
  });
});

/** The failed-login defender end to end: delays, per-session limit, bans, lists. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressBannedEvent } from '@ftpkit/core';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const start = serversClosedAfterFile();

async function failLogin(client: RawClient): Promise<number> {
  assert.equal((await client.send('USER user')).code, 331);
  return (await client.send('PASS wrong')).code;
}

function closed(client: RawClient): Promise<void> {
  return client.closed ? Promise.resolve() : new Promise((resolve) => client.socket.once('close', () => resolve()));
}

test('a failed PASS is answered after the default 1 s delay, without slowing other sessions', async (t) => {
  const { port } = await start();
  const { client: attacker } = await RawClient.connect(port);
  const { client: bystander } = await RawClient.connect(port);
  await bystander.login();
  // Timed from before the write: the server's delay starts when PASS arrives,
  // which may be before this side has read the 331.
  const started = performance.now();
  attacker.write('USER user\r\nPASS wrong\r\n');
  assert.equal((await attacker.read()).code, 331);
  const failed = attacker.read().then((reply) => ({ reply, at: performance.now() }));
  // While the attacker waits, the bystander is served at once.
  let bystanderDone = 0;
  for (let i = 0; i < 5; i++) assert.equal((await bystander.send('NOOP')).code, 200);
  bystanderDone = performance.now();
  const { reply, at } = await failed;
  assert.equal(reply.code, 530);
  const delay = at - started;
  // libuv rounds timers to whole milliseconds.
  assert.ok(delay >= 995, `delay ${delay.toFixed(0)} ms`);
  t.diagnostic(`failed-PASS reply after ${delay.toFixed(0)} ms`);
  assert.ok(bystanderDone < at, 'the bystander finished before the failed reply');
  // A good login is not delayed.
  const t0 = performance.now();
  const { client: good } = await RawClient.connect(port);
  await good.login();
  assert.ok(performance.now() - t0 < 900);
  for (const c of [attacker, bystander, good]) c.close();
});

test('after 3 failures in a session: 530 then 421 and the connection closes', async () => {
  const { server, port } = await start({ defender: { failedLoginDelay: 20 } });
  const failures: string[] = [];
  server.on('login-failed', (e) => failures.push(e.username));
  const { client } = await RawClient.connect(port);
  assert.equal(await failLogin(client), 530);
  assert.equal(await failLogin(client), 530);
  assert.equal(await failLogin(client), 530);
  const last = await client.read();
  assert.equal(last.code, 421);
  await closed(client);
  assert.deepEqual(failures, ['user', 'user', 'user']);
});

test('repeated failures across sessions ban the address; other addresses are unaffected', async () => {
  const { server, port } = await start({
    defender: { failedLoginDelay: 10, maxLoginFailuresPerSession: 2, banAfterFailures: 5, banDuration: 60_000 },
  });
  const bans: AddressBannedEvent[] = [];
  server.on('address-banned', (e) => bans.push(e));
  // One session from the attacker stays open (logged out) during the attack.
  const { client: lingering } = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
  let failures = 0;
  for (let round = 0; round < 3; round++) {
    const { client, banner } = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
    assert.equal(banner.code, 220);
    for (let i = 0; i < 2 && failures < 5; i++, failures++) assert.equal(await failLogin(client), 530);
    assert.equal((await client.read()).code, 421); // two failures per session, or the ban
    await closed(client);
    assert.equal(bans.length, round === 2 ? 1 : 0);
  }
  assert.equal(failures, 5);
  assert.equal(bans[0]!.address, '127.0.0.2');
  assert.equal(bans[0]!.failures, 5);
  assert.equal(await server.defender.isBanned('127.0.0.2'), true);

  // New connections from the banned address get 421 before the banner.
  const refused = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
  assert.equal(refused.banner.code, 421);
  await closed(refused.client);
  // Its open session cannot keep guessing, even with the right password.
  assert.equal((await lingering.send('USER user')).code, 331);
  assert.equal((await lingering.send('PASS pass')).code, 421);
  await closed(lingering);
  // Another address logs in normally.
  const { client: other } = await RawClient.connect(port, '127.0.0.1', '127.0.0.3');
  await other.login();
  other.close();
  // The host can lift the ban.
  await server.defender.unban('127.0.0.2');
  const { client: again } = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
  await again.login();
  again.close();
});

test('a ban expires, and the next one lasts twice as long', async () => {
  const { server, port } = await start({ defender: { failedLoginDelay: 0, banAfterFailures: 2, banDuration: 300 } });
  const bans: AddressBannedEvent[] = [];
  server.on('address-banned', (e) => bans.push(e));
  const attack = async () => {
    const { client } = await RawClient.connect(port, '127.0.0.1', '127.0.0.4');
    await failLogin(client);
    await failLogin(client);
    client.close();
  };
  let t = Date.now();
  await attack();
  assert.equal(bans.length, 1);
  const first = bans[0]!.until.getTime() - t;
  assert.ok(first >= 300 && first < 1300, `first ban ${first} ms`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, bans[0]!.until.getTime() - Date.now()) + 20));
  assert.equal(await server.defender.isBanned('127.0.0.4'), false);
  t = Date.now();
  await attack();
  assert.equal(bans.length, 2);
  assert.equal(bans[1]!.bans, 2);
  const second = bans[1]!.until.getTime() - t;
  assert.ok(second >= 600 && second < 1600, `second ban ${second} ms`);
});

test('deny and allow lists refuse addresses with 421 before the banner', async () => {
  const { port } = await start({ defender: { denyList: ['127.0.0.5/32'], allowList: ['127.0.0.0/29', '::1'] } });
  assert.equal((await RawClient.connect(port, '127.0.0.1', '127.0.0.5')).banner.code, 421); // denied
  assert.equal((await RawClient.connect(port, '127.0.0.1', '127.0.0.9')).banner.code, 421); // not allowed
  const { client, banner } = await RawClient.connect(port, '127.0.0.1', '127.0.0.6');
  assert.equal(banner.code, 220);
  await client.login();
  client.close();
});

test('maxSessionsPerUser refuses the extra login with 530 and a clear message', async () => {
  const { port } = await start({ maxSessionsPerUser: 2 });
  const a = (await RawClient.connect(port)).client;
  const b = (await RawClient.connect(port)).client;
  const c = (await RawClient.connect(port)).client;
  await a.login();
  await b.login();
  await c.send('USER user');
  const refused = await c.send('PASS pass');
  assert.equal(refused.code, 530);
  assert.match(refused.text, /Too many sessions for this user \(limit 2\)/);
  // Not a failed password: no delay, no disconnect; another user logs in fine.
  await c.login('reader', 'reader');
  a.close();
  await closed(a);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const d = (await RawClient.connect(port)).client;
  await d.login();
  for (const x of [b, c, d]) x.close();
});

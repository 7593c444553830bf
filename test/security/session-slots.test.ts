// maxSessionsPerUser as leases in the state store: REIN and QUIT give the slot back, and
// logins racing for the last slots never overshoot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const start = serversClosedAfterFile();

test('REIN gives the session slot back', async () => {
  const { port } = await start({ maxSessionsPerUser: 1 });
  const a = (await RawClient.connect(port)).client;
  const b = (await RawClient.connect(port)).client;
  await a.login();
  await b.send('USER user');
  assert.equal((await b.send('PASS pass')).code, 530);
  assert.equal((await a.send('REIN')).code, 220);
  await b.login();
  await a.send('USER user');
  assert.equal((await a.send('PASS pass')).code, 530, 'the slot is b’s now');
  a.close();
  b.close();
});

test('ten logins racing for two slots: exactly two succeed', async () => {
  const { port } = await start({ maxSessionsPerUser: 2 });
  const clients = await Promise.all(Array.from({ length: 10 }, async () => (await RawClient.connect(port)).client));
  await Promise.all(clients.map((c) => c.send('USER user')));
  const codes = await Promise.all(clients.map(async (c) => (await c.send('PASS pass')).code));
  assert.deepEqual(codes.filter((code) => code === 230).length, 2, codes.join(' '));
  for (const c of clients) c.close();
});

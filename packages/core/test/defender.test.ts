import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../src/session-view.js';
import { DEFENDER_DEFAULTS, Defender, type AddressBannedEvent, type DefenderOptions } from '../src/security/defender.js';

const MINUTE = 60_000;

function setup(options: DefenderOptions = {}) {
  let now = 1_000_000;
  const bans: AddressBannedEvent[] = [];
  const defender = new Defender(
    { ...DEFENDER_DEFAULTS, failedLoginDelay: 0, ...options },
    (event) => bans.push(event),
    () => now,
  );
  const session = (remoteAddress: string) => ({ remoteAddress }) as Session;
  return { defender, bans, session, advance: (ms: number) => (now += ms), now: () => now };
}

test('the defaults are the documented ones', () => {
  assert.equal(DEFENDER_DEFAULTS.failedLoginDelay, 1000);
  assert.equal(DEFENDER_DEFAULTS.maxLoginFailuresPerSession, 3);
  assert.equal(DEFENDER_DEFAULTS.banAfterFailures, 10);
  assert.equal(DEFENDER_DEFAULTS.banWindow, 10 * MINUTE);
  assert.equal(DEFENDER_DEFAULTS.banDuration, 15 * MINUTE);
});

test('a session is told to disconnect at its Nth failure', async () => {
  const { defender, session } = setup({ maxLoginFailuresPerSession: 3 });
  const s = session('192.0.2.1');
  assert.equal(await defender.loginFailed(s), 'retry');
  assert.equal(await defender.loginFailed(s), 'retry');
  assert.equal(await defender.loginFailed(s), 'disconnect');
  // Another session from the same address starts its own count.
  assert.equal(await defender.loginFailed(session('192.0.2.1')), 'retry');
});

test('failures across sessions within the window ban the address', async () => {
  const { defender, bans, session, now } = setup({ banAfterFailures: 5, banDuration: MINUTE });
  for (let i = 0; i < 4; i++) await defender.loginFailed(session('192.0.2.1'));
  assert.equal(await defender.isBanned('192.0.2.1'), false);
  assert.equal(await defender.loginFailed(session('192.0.2.1')), 'disconnect');
  assert.equal(await defender.isBanned('192.0.2.1'), true);
  assert.equal(await defender.isBanned('192.0.2.2'), false);
  assert.equal(bans.length, 1);
  assert.deepEqual(bans[0], { address: '192.0.2.1', until: new Date(now() + MINUTE), failures: 5, bans: 1 });
  assert.match((await defender.refusal('192.0.2.1')) ?? '', /failed logins/);
  assert.equal(await defender.refusal('192.0.2.2'), undefined);
});

test('failures older than the window do not count', async () => {
  const { defender, session, advance } = setup({ banAfterFailures: 3, banWindow: MINUTE });
  await defender.loginFailed(session('192.0.2.1'));
  await defender.loginFailed(session('192.0.2.1'));
  advance(MINUTE + 1);
  await defender.loginFailed(session('192.0.2.1'));
  await defender.loginFailed(session('192.0.2.1'));
  assert.equal(await defender.isBanned('192.0.2.1'), false);
  await defender.loginFailed(session('192.0.2.1'));
  assert.equal(await defender.isBanned('192.0.2.1'), true);
});

test('a ban ends at its deadline', async () => {
  const { defender, session, advance } = setup({ banAfterFailures: 2, banDuration: MINUTE });
  await defender.loginFailed(session('192.0.2.1'));
  await defender.loginFailed(session('192.0.2.1'));
  advance(MINUTE - 1);
  assert.equal(await defender.isBanned('192.0.2.1'), true);
  advance(1);
  assert.equal(await defender.isBanned('192.0.2.1'), false);
  assert.equal(await defender.refusal('192.0.2.1'), undefined);
});

test('ban lengths: 1, 2, 4 minutes, then capped', async () => {
  const { defender, bans, session, advance, now } = setup({ banAfterFailures: 1, banDuration: MINUTE, maxBanDuration: 5 * MINUTE });
  const lengths: number[] = [];
  for (let i = 0; i < 5; i++) {
    await defender.loginFailed(session('192.0.2.9'));
    lengths.push(bans.at(-1)!.until.getTime() - now());
    advance(lengths.at(-1)!);
  }
  assert.deepEqual(lengths, [1, 2, 4, 5, 5].map((m) => m * MINUTE));
});

test('failures during a ban do not extend it; unban lifts it and resets escalation', async () => {
  const { defender, bans, session, now } = setup({ banAfterFailures: 1, banDuration: MINUTE });
  await defender.loginFailed(session('192.0.2.1'));
  const until = await defender.bannedUntil('192.0.2.1');
  await defender.loginFailed(session('192.0.2.1'));
  assert.deepEqual(await defender.bannedUntil('192.0.2.1'), until);
  assert.equal(bans.length, 1);
  await defender.unban('192.0.2.1');
  assert.equal(await defender.isBanned('192.0.2.1'), false);
  await defender.loginFailed(session('192.0.2.1'));
  assert.equal(bans.at(-1)!.bans, 1);
  assert.equal(bans.at(-1)!.until.getTime() - now(), MINUTE);
});

test('banAfterFailures 0 disables bans', async () => {
  const { defender, bans, session } = setup({ banAfterFailures: 0 });
  for (let i = 0; i < 50; i++) await defender.loginFailed(session('192.0.2.1'));
  assert.equal(bans.length, 0);
  assert.equal(await defender.isBanned('192.0.2.1'), false);
});

test('deny list refuses, allow list admits only its blocks', async () => {
  const deny = setup({ denyList: ['192.0.2.0/24', '2001:db8::/32'] }).defender;
  assert.equal(await deny.refusal('192.0.2.77'), 'Access denied.');
  assert.equal(await deny.refusal('2001:db8::5'), 'Access denied.');
  assert.equal(await deny.refusal('198.51.100.1'), undefined);
  const allow = setup({ allowList: ['10.0.0.0/8'], denyList: ['10.9.0.0/16'] }).defender;
  assert.equal(await allow.refusal('10.1.2.3'), undefined);
  assert.equal(await allow.refusal('10.9.1.1'), 'Access denied.');
  assert.equal(await allow.refusal('11.0.0.1'), 'Access denied.');
});

test('a malformed list entry fails at construction', () => {
  assert.throws(() => setup({ denyList: ['10.0.0.0/40'] }), RangeError);
});

test('the failed-login delay is awaited', async () => {
  const { defender, session } = setup({ failedLoginDelay: 120 });
  const keepAlive = setInterval(() => {}, 1000); // the delay's own timer does not hold the loop open
  const started = performance.now();
  await defender.loginFailed(session('192.0.2.1'));
  clearInterval(keepAlive);
  assert.ok(performance.now() - started >= 110);
});

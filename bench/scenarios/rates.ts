/**
 * Rate scenarios: many small downloads over long-lived logins (files/s, where the
 * cost of each data channel shows) and connect-login-quit cycles (logins/s).
 */
import type { BenchConfig } from '../config.js';
import { smallFileName } from '../fixtures.js';
import { drain, FtpControl, type Target } from '../ftp-client.js';
import type { Scenario } from './types.js';

/**
 * How long a scenario's warm-up runs its own load on a fresh server, for every server
 * alike. A fresh Node server runs its code unoptimised until the JIT has seen it often
 * enough (ftpkit's CPU per login fell from 775 to about 200 us over its first 5,000
 * logins, 1.5 s each at 32 clients), so a few hundred operations do not make it the
 * long-running server these figures are about.
 */
export const WARM_UP_MS = 3000;

/** Run `clients` loops until the duration is over; returns completed iterations per second. */
export async function rate(clients: number, durationMs: number, loop: (deadline: number, index: number) => Promise<number>): Promise<number> {
  const started = performance.now();
  const deadline = started + durationMs;
  const counts = await Promise.all(Array.from({ length: clients }, (_, i) => loop(deadline, i)));
  const elapsed = (performance.now() - started) / 1000;
  return counts.reduce((a, b) => a + b, 0) / elapsed;
}

/** RETR of the small files over one login until the deadline; returns the count. */
export async function downloadLoop(target: Target, config: BenchConfig, deadline: number, index: number): Promise<number> {
  const control = await FtpControl.login(target);
  await control.command('TYPE I', 200);
  let done = 0;
  for (let i = index; performance.now() < deadline; i++) {
    const data = await control.passive(target.host);
    const bytes = drain(data);
    control.send(`RETR ${smallFileName(i % config.smallFileCount)}`);
    const opened = await control.next();
    if (opened.code !== 150 && opened.code !== 125) throw new Error(`RETR refused: ${opened.text}`);
    const [received] = await Promise.all([bytes, control.expect(226)]);
    if (received !== config.smallFileBytes) throw new Error(`short download: ${received} bytes`);
    done++;
  }
  await control.quit();
  return done;
}

/**
 * STOR of `smallFileBytes` files over one login until the deadline, each under a new
 * name `small-<client>-<n>.bin` in `dir` ('' or ending in '/'); returns the count.
 */
export async function uploadLoop(target: Target, config: BenchConfig, deadline: number, index: number, dir = ''): Promise<number> {
  const body = Buffer.alloc(config.smallFileBytes, 0x61);
  const control = await FtpControl.login(target);
  await control.command('TYPE I', 200);
  let done = 0;
  while (performance.now() < deadline) {
    const data = await control.passive(target.host);
    data.on('error', () => {});
    control.send(`STOR ${dir}small-${index}-${done}.bin`);
    const opened = await control.next();
    if (opened.code !== 150 && opened.code !== 125) throw new Error(`STOR refused: ${opened.text}`);
    data.end(body);
    await control.expect(226);
    done++;
  }
  await control.quit();
  return done;
}

/** Connect, log in (over TLS when asked), QUIT, again until the deadline; returns the count. */
export async function loginLoop(target: Target, deadline: number, tls = false): Promise<number> {
  let done = 0;
  while (performance.now() < deadline) {
    const control = await FtpControl.login(target, tls);
    await control.quit();
    done++;
  }
  return done;
}

export const smallFiles: Scenario = {
  name: '4 KiB downloads, 16 clients',
  unit: 'files/s',
  higherIsBetter: true,
  floor: true,
  operations: (value, config) => (value * config.durationMs) / 1000,
  run: (server, config) =>
    rate(config.smallFileClients, config.durationMs, (deadline, i) => downloadLoop(server.target, config, deadline, i)),
};

export const logins: Scenario = {
  name: 'connect+login+quit, 32 clients',
  unit: 'logins/s',
  higherIsBetter: true,
  floor: true,
  operations: (value, config) => (value * config.durationMs) / 1000,
  warmUp: async (server, config) => {
    await rate(config.loginClients, WARM_UP_MS, (deadline) => loginLoop(server.target, deadline));
  },
  run: (server, config) => rate(config.loginClients, config.durationMs, (deadline) => loginLoop(server.target, deadline)),
};

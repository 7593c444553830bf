/**
 * Logins per second and per-login latency of one `ftpkit` node, with its limits' state
 * in the process (the default) and in Redis (`--redis`). Each login is a fresh
 * connection (ban check, connection slot), USER/PASS (ban check, session slot) and QUIT
 * (both slots given back): the store calls a fleet adds to every login.
 *
 *   node --import tsx bench/state-logins.ts [--duration S] [--concurrency N]
 *
 * Needs the program built (`pnpm build`) and, for the Redis run, redis-server
 * (Debian's package; skipped when missing). BENCH_NO_SESSION_CAP=1 leaves
 * maxSessionsPerUser unset (as an older build's config would). Not a test: it prints
 * figures.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hasBinary } from '../test/support/process.js';
import { freePort, RedisProcess } from '../test/support/redis.js';
import { FtpControl, type Target } from './ftp-client.js';
import { startProcess, stopProcess, waitForBanner } from './proc.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '4' } } });
const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);
const bin = fileURLToPath(new URL('../packages/cli/bin/ftpkit.js', import.meta.url));

interface Result {
  logins: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Log in and out as fast as `concurrency` clients can for `durationMs`. */
async function drive(target: Target): Promise<Result> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const control = await FtpControl.login(target);
      await control.quit();
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { logins: latencies.length, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/** One node with `state` as its config block; the figures of a warm-up and a measured run. */
async function measure(label: string, state: Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-bench-state-'));
  const port = await freePort();
  // maxSessionsPerUser makes every login take (and give back) a session slot.
  const sessionCap = process.env.BENCH_NO_SESSION_CAP ? {} : { maxSessionsPerUser: 10_000 };
  const config = { limits: { ...sessionCap, maxConnectionsPerIp: 10_000 }, ...(Object.keys(state).length > 0 ? { state } : {}) };
  writeFileSync(join(dir, 'ftpkit.json'), JSON.stringify(config));
  const child = startProcess(process.execPath, [bin, '--config', join(dir, 'ftpkit.json'), '--port', String(port), '--user', 'bench:bench', '--log-level', 'error']);
  try {
    await waitForBanner('127.0.0.1', port);
    const target = { host: '127.0.0.1', port, user: 'bench', password: 'bench' };
    await drive(target); // warm-up, same length
    const result = await drive(target);
    console.log(
      `${label.padEnd(22)} ${result.perSecond.toFixed(0).padStart(7)} logins/s   p50 ${result.p50.toFixed(2)} ms   p99 ${result.p99.toFixed(2)} ms   (${result.logins} logins, ${concurrency} clients, ${durationMs / 1000} s)`,
    );
  } finally {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

await measure('in-process state', {});
if (hasBinary('redis-server')) {
  const redis = await RedisProcess.start();
  try {
    await measure('Redis (loopback)', { redis: redis.url, prefix: 'bench:' });
  } finally {
    await redis.stop();
  }
} else {
  console.log('redis-server is not installed: the Redis run is skipped');
}

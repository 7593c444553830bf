/**
 * Idle sessions: log in many clients that then do nothing, and divide the server's
 * memory growth (proportional set size of its process tree) by their number.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FtpControl } from '../ftp-client.js';
import { treeMemory } from '../proc.js';
import type { Scenario } from './types.js';

const WARM_UP = 20;
const OPEN_CONCURRENCY = 32;

async function openSessions(count: number, open: () => Promise<FtpControl>): Promise<FtpControl[]> {
  const sessions: FtpControl[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: OPEN_CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        sessions.push(await open());
      }
    }),
  );
  return sessions;
}

async function settledMemory(pid: number, collectGarbage: () => Promise<void>): Promise<number> {
  await sleep(500);
  await collectGarbage();
  await sleep(200);
  return treeMemory(pid);
}

export const idle: Scenario = {
  name: 'idle logged-in sessions',
  unit: 'KiB/session',
  higherIsBetter: false,
  async run(server, config, spec) {
    if ((spec.workers ?? 1) > 1) return undefined;
    const login = () => FtpControl.login(server.target);
    // Warm the server up so code loading and first-use caches are not counted.
    const warm = await openSessions(WARM_UP, login);
    const before = await settledMemory(server.pid, () => server.collectGarbage());
    const sessions = await openSessions(config.idleSessions, login);
    const after = await settledMemory(server.pid, () => server.collectGarbage());
    for (const session of [...warm, ...sessions]) session.close();
    return (after - before) / config.idleSessions / 1024;
  },
};

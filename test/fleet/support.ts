/**
 * A small fleet for tests: `ftpkit` program processes sharing one local directory (the
 * shared storage) and, when given, one redis-server; clients connect to each node
 * directly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../packages/cli/src/password.js';
import { startCli } from '../../packages/cli/test/support.js';
import { RawClient } from '../support/raw-client.js';

export type Node = Awaited<ReturnType<typeof startCli>>;

/** What every node of a test fleet runs with. */
export interface FleetConfig {
  dir: string;
  /** `redis://…`, or none for the process's (or cluster primary's) own state. */
  redis?: string;
  /** Key prefix, unique per test so tests sharing a Redis do not meet. */
  prefix?: string;
  failurePolicy?: 'closed' | 'open';
  /** Seconds. */
  leaseTtl?: number;
  maxSessionsPerUser?: number;
  quota?: string;
  workers?: number;
}

export const USER = 'alice';
export const PASSWORD = 'wonderland';
let hash: Promise<string> | undefined;

/** Start one node (a program process) of the fleet `config` describes. */
export async function startNode(config: FleetConfig, name: string, extraArgs: string[] = []): Promise<Node> {
  hash ??= hashPassword(PASSWORD);
  const file = join(config.dir, `${name}.json`);
  const min = 40_000 + Math.floor(Math.random() * 20_000);
  writeFileSync(
    file,
    JSON.stringify({
      host: '127.0.0.1',
      port: 0,
      storage: { type: 'local', root: join(config.dir, 'files') },
      ...(config.workers ? { workers: config.workers, passivePorts: `${min}-${min + 9}` } : {}),
      limits: config.maxSessionsPerUser ? { maxSessionsPerUser: config.maxSessionsPerUser } : {},
      state: {
        ...(config.redis ? { redis: config.redis, prefix: config.prefix ?? 'fleet:' } : {}),
        failurePolicy: config.failurePolicy ?? 'closed',
        leaseTtl: config.leaseTtl ?? 1.5,
        timeout: 0.5,
      },
      users: [{ name: USER, password: await hash, ...(config.quota ? { quota: { maxBytes: config.quota } } : {}) }],
    }),
  );
  return startCli(['--config', file, ...extraArgs]);
}

/** Connect to `node` (from `from`, a loopback address) and read the banner. */
export function connectTo(node: Node, from?: string): ReturnType<typeof RawClient.connect> {
  return RawClient.connect(node.port, '127.0.0.1', from);
}

/** USER/PASS on a fresh connection to `node`; resolves with the client and the PASS reply code. */
export async function tryLogin(node: Node, password = PASSWORD): Promise<{ client: RawClient; code: number }> {
  const { client, banner } = await connectTo(node);
  if (banner.code !== 220) return { client, code: banner.code };
  await client.send(`USER ${USER}`);
  return { client, code: (await client.send(`PASS ${password}`)).code };
}

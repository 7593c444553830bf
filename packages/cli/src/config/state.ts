/** The program's shared-state settings: the `state` block of the config file and `--redis`. */
import { readFileSync } from 'node:fs';
import { resolve as resolveFsPath } from 'node:path';
import { UsageError, type Flags } from '../args.js';
import type { JsonPath } from './json-source.js';
import type { FileConfig } from './types.js';

/** The shared-state settings, resolved. */
export interface StateConfig {
  /** A Redis every node shares; without it, this process (or the cluster primary). */
  redis?: { url: string; password?: string; prefix?: string };
  failurePolicy?: 'closed' | 'open';
  leaseTtl?: number;
  timeout?: number;
}

/**
 * The `state` block with `--redis` over it. The Redis password comes from
 * FTPKIT_REDIS_PASSWORD or `redisPasswordFile`: a password on the command line would
 * show in `ps` and shell histories, so `--redis` refuses one.
 */
export function stateOf(flags: Flags, file: FileConfig, baseDir: string, at: (path: JsonPath, message: string) => Error): StateConfig {
  const block = file.state ?? {};
  if (flags.redis !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(flags.redis);
    } catch {
      // reported below
    }
    if (!parsed || !/^rediss?:$/.test(parsed.protocol)) throw new UsageError('--redis must be a redis:// or rediss:// URL');
    if (parsed.password) throw new UsageError('--redis: put the password in FTPKIT_REDIS_PASSWORD (or state.redisPasswordFile), not on the command line');
  }
  const url = flags.redis ?? block.redis;
  let password = process.env.FTPKIT_REDIS_PASSWORD || undefined;
  if (password === undefined && block.redisPasswordFile !== undefined) {
    try {
      password = readFileSync(resolveFsPath(baseDir, block.redisPasswordFile), 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw at(['state', 'redisPasswordFile'], `cannot read: ${(err as Error).message}`);
    }
  }
  return {
    ...(url !== undefined
      ? { redis: { url, ...(password !== undefined ? { password } : {}), ...(block.prefix !== undefined ? { prefix: block.prefix } : {}) } }
      : {}),
    ...(block.failurePolicy ? { failurePolicy: block.failurePolicy } : {}),
    ...(block.leaseTtl !== undefined ? { leaseTtl: block.leaseTtl * 1000 } : {}),
    ...(block.timeout !== undefined ? { timeout: block.timeout * 1000 } : {}),
  };
}

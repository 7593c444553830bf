/** The program's shared-state store: Redis when `state.redis` / `--redis` names one. */
import { RedisStateStore } from '@ftpkit/store-redis';
import type { StateConfig } from './config/resolve.js';

/** A Redis store for `config`, or undefined for the server's default (this process, or the cluster primary). */
export function openStateStore(config: StateConfig): RedisStateStore | undefined {
  const redis = config.redis;
  if (!redis) return undefined;
  return new RedisStateStore({
    url: redis.url,
    ...(redis.password !== undefined ? { password: redis.password } : {}),
    ...(redis.prefix !== undefined ? { prefix: redis.prefix } : {}),
    ...(config.timeout !== undefined ? { commandTimeout: config.timeout } : {}),
  });
}

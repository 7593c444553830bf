/**
 * A {@link StateStore} on Redis through ioredis: every node of a fleet that uses the
 * same Redis (and prefix) shares one set of bans, session and connection caps, quotas,
 * bandwidth buckets and TLS ticket keys.
 */
import type { QuotaUsage, StateStore } from '@ftpkit/core';
import { Redis, type RedisOptions } from 'ioredis';
import { SCRIPTS, type ScriptName } from './scripts.js';

/** Options of a {@link RedisStateStore}. */
export interface RedisStateStoreOptions {
  /**
   * `redis://[user:password@]host:port/db` or `rediss://…` (TLS). Default
   * `redis://127.0.0.1:6379`. Ignored when `client` is given.
   */
  url?: string;
  /** The password, when it is not in the URL (read it from the environment or a file, never argv). */
  password?: string;
  /** Prefix of every key, so several fleets (or tests) can share one Redis. Default `ftpkit:`. */
  prefix?: string;
  /** Milliseconds a command may take before it fails. Default 2000. */
  commandTimeout?: number;
  /** More ioredis options (e.g. `tls: { ca }` for a private CA with `rediss://`). */
  redis?: RedisOptions;
  /** An ioredis client of your own; `close()` then leaves it open. */
  client?: Redis;
}

type ScriptClient = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

export class RedisStateStore implements StateStore {
  /** The ioredis client (connects at once and reconnects by itself). */
  readonly client: Redis;
  private readonly prefix: string;
  private readonly timeout: number;
  private readonly ownsClient: boolean;

  constructor(options: RedisStateStoreOptions = {}) {
    this.prefix = options.prefix ?? 'ftpkit:';
    this.timeout = options.commandTimeout ?? 2000;
    this.ownsClient = !options.client;
    this.client =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        // Fail at once while disconnected instead of queueing: callers apply their
        // failure policy, nothing piles up, and ioredis keeps reconnecting meanwhile.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: this.timeout,
        connectTimeout: this.timeout,
        retryStrategy: (times) => Math.min(times * 200, 2000),
        ...(options.password !== undefined ? { password: options.password } : {}),
        ...options.redis,
      });
    // Connection errors surface through failing commands; an unhandled 'error' would crash.
    this.client.on('error', () => {});
    for (const [name, script] of Object.entries(SCRIPTS)) this.client.defineCommand(name, script);
  }

  /** Resolves once connected (rejects after the command timeout). Calls wait for it too. */
  ready(): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`Redis not ready after ${this.timeout} ms (${this.client.status})`)), this.timeout);
      const onReady = () => done();
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        if (err) reject(err);
        else resolve();
      };
      this.client.on('ready', onReady);
    });
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    return Number(await this.run('ftpkitIncrement', [this.k('v', key)], by, Math.max(1, Math.ceil(ttlMs))));
  }

  async get(key: string): Promise<string | undefined> {
    await this.ready();
    return (await this.client.get(this.k('v', key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.ready();
    if (ttlMs === undefined) await this.client.set(this.k('v', key), value);
    else await this.client.set(this.k('v', key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.ready();
    await this.client.del(this.k('v', key), this.k('l', key), this.k('b', key), ...this.quotaKeys(key));
  }

  async values(prefix: string): Promise<Array<{ key: string; value: string }>> {
    await this.ready();
    const head = this.k('v', '').slice(0, -1); // "<prefix>v:{", the key, then "}"
    const pattern = `${(head + prefix).replace(/[*?[\]\\]/g, '\\$&')}*`;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    // One GET per key (not MGET): the keys have hash tags of their own.
    const pipeline = this.client.pipeline();
    for (const full of keys) pipeline.get(full);
    const replies = (await pipeline.exec()) ?? [];
    const found: Array<{ key: string; value: string }> = [];
    replies.forEach(([err, value], i) => {
      if (!err && typeof value === 'string') found.push({ key: keys[i]!.slice(head.length, -1), value });
    });
    return found;
  }

  async acquire(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
    return (await this.run('ftpkitAcquire', [this.k('l', key)], holder, limit, ttlMs)) === 1;
  }

  async renew(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.run('ftpkitRenew', [this.k('l', key)], holder, ttlMs)) === 1;
  }

  async release(key: string, holder: string): Promise<void> {
    await this.ready();
    await this.client.zrem(this.k('l', key), holder);
  }

  async count(key: string): Promise<number> {
    return Number(await this.run('ftpkitCount', [this.k('l', key)]));
  }

  async reserve(key: string, holder: string, bytes: number, limit: number, ttlMs: number): Promise<QuotaUsage | undefined> {
    const reply = (await this.run('ftpkitReserve', this.quotaKeys(key), holder, bytes, limit, ttlMs)) as number[];
    return reply[0] === -1 ? undefined : usage(reply);
  }

  async settle(key: string, holder: string | undefined, usedDelta: number): Promise<QuotaUsage> {
    return usage((await this.run('ftpkitSettle', this.quotaKeys(key), holder ?? '', usedDelta)) as number[]);
  }

  async usage(key: string, initialUsed?: number): Promise<QuotaUsage> {
    return usage((await this.run('ftpkitUsage', this.quotaKeys(key), initialUsed ?? '')) as number[]);
  }

  async take(key: string, tokens: number, ratePerSecond: number, burst: number): Promise<number> {
    return Number(await this.run('ftpkitTake', [this.k('b', key)], tokens, ratePerSecond, burst));
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async run(name: ScriptName, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    await this.ready();
    return (this.client as ScriptClient)[name](...keys, ...args);
  }

  /** A Redis key: prefix, kind, and the key in braces (one Redis Cluster slot per key). */
  private k(kind: string, key: string): string {
    return `${this.prefix}${kind}:{${key}}`;
  }

  private quotaKeys(key: string): string[] {
    return [this.k('q', key), this.k('q', key) + ':res', this.k('q', key) + ':exp'];
  }
}

function usage(reply: number[]): QuotaUsage {
  return { used: Number(reply[0]), reserved: Number(reply[1]) };
}

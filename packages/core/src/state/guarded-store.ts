/**
 * The store the core actually calls: any {@link StateStore} behind a timeout on every
 * call and a failure policy. While the store fails, `closed` rejects every call with
 * {@link StateUnavailableError} (the server then refuses new logins with 421) and
 * `open` answers from an in-process store (each node enforces its own limits). One
 * probe per second goes to the failing store; the first success switches back. Both
 * transitions are reported once, not per call.
 */
import { MemoryStateStore } from './memory-store.js';
import type { QuotaUsage, StateStore } from './store.js';

/** What to do while the shared store cannot be reached. */
export type StateFailurePolicy = 'closed' | 'open';

/** Thrown (fail closed) by a call the shared store could not answer. */
export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
}

/** Options of a {@link GuardedStore}. */
export interface GuardedStoreOptions {
  failurePolicy: StateFailurePolicy;
  /** Milliseconds one call may take. */
  timeout: number;
  /** Told when the store stops answering (with the error) and when it answers again. */
  onStatus(available: boolean, error?: Error): void;
}

const PROBE_INTERVAL_MS = 1000;

export class GuardedStore implements StateStore {
  /** The store behind the guard. */
  readonly store: StateStore;
  private readonly fallback: StateStore;
  private down = false;
  private lastProbe = 0;

  /** @param store the host's store; none: an in-process one, which needs no guard (it never times out) */
  constructor(
    store: StateStore | undefined,
    private readonly options: GuardedStoreOptions,
  ) {
    this.store = store ?? new MemoryStateStore();
    this.fallback = store ? new MemoryStateStore() : this.store;
  }

  /** Whether the store answered its last call. */
  get available(): boolean {
    return !this.down;
  }

  increment(key: string, by: number, ttlMs: number): Promise<number> {
    return this.call((s) => s.increment(key, by, ttlMs));
  }
  get(key: string): Promise<string | undefined> {
    return this.call((s) => s.get(key));
  }
  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.call((s) => s.set(key, value, ttlMs));
  }
  delete(key: string): Promise<void> {
    return this.call((s) => s.delete(key));
  }
  values(prefix: string): Promise<Array<{ key: string; value: string }>> {
    return this.call((s) => s.values(prefix));
  }
  acquire(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
    return this.call((s) => s.acquire(key, holder, limit, ttlMs));
  }
  renew(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.call((s) => s.renew(key, holder, ttlMs));
  }
  release(key: string, holder: string): Promise<void> {
    return this.call((s) => s.release(key, holder));
  }
  count(key: string): Promise<number> {
    return this.call((s) => s.count(key));
  }
  reserve(key: string, holder: string, bytes: number, limit: number, ttlMs: number): Promise<QuotaUsage | undefined> {
    return this.call((s) => s.reserve(key, holder, bytes, limit, ttlMs));
  }
  settle(key: string, holder: string | undefined, usedDelta: number): Promise<QuotaUsage> {
    return this.call((s) => s.settle(key, holder, usedDelta));
  }
  usage(key: string, initialUsed?: number): Promise<QuotaUsage> {
    return this.call((s) => s.usage(key, initialUsed));
  }
  take(key: string, tokens: number, ratePerSecond: number, burst: number): Promise<number> {
    return this.call((s) => s.take(key, tokens, ratePerSecond, burst));
  }
  async close(): Promise<void> {
    if (this.fallback !== this.store) await this.fallback.close?.();
  }

  private async call<T>(fn: (store: StateStore) => Promise<T>): Promise<T> {
    if (this.fallback === this.store) return fn(this.store);
    const now = Date.now();
    if (this.down && now - this.lastProbe < PROBE_INTERVAL_MS) return this.failed(fn);
    if (this.down) this.lastProbe = now;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`shared state did not answer within ${this.options.timeout} ms`)), this.options.timeout);
    });
    try {
      const result = await Promise.race([fn(this.store), timeout]);
      if (this.down) {
        this.down = false;
        this.options.onStatus(true);
      }
      return result;
    } catch (err) {
      if (!this.down) {
        this.down = true;
        this.lastProbe = now;
        this.options.onStatus(false, err instanceof Error ? err : new Error(String(err)));
      }
      return this.failed(fn);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed<T>(fn: (store: StateStore) => Promise<T>): Promise<T> {
    if (this.options.failurePolicy === 'open') return fn(this.fallback);
    return Promise.reject(new StateUnavailableError('Shared state unavailable.'));
  }
}

/**
 * The in-process {@link StateStore}: the default when no shared store is configured,
 * and the store a node:cluster primary serves to its workers. Plain maps; expired
 * entries are dropped when touched and swept at most once a minute, and the number of
 * counters and values is capped so that an address scan cannot grow memory without end.
 */
import type { QuotaUsage, StateStore } from './store.js';

/** Options of a {@link MemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** The clock in milliseconds, replaceable in tests. Default `Date.now`. */
  now?: () => number;
  /** Most counters and values kept; beyond it the oldest are forgotten. Default 100 000. */
  maxEntries?: number;
}

interface Entry {
  value: string | number;
  expires: number;
}

/** The slots of one lease key: holder → expiry, and a bound below every expiry in it. */
interface Slots {
  holders: Map<string, number>;
  /** No slot expires before this (ms), so taking a slot scans for expired ones only from then on. */
  soonest: number;
}

interface Quota {
  /** Undefined until someone recorded a figure (seeded by `usage`, set by `settle`). */
  used: number | undefined;
  reservations: Map<string, { bytes: number; expires: number }>;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly leases = new Map<string, Slots>();
  private readonly quotas = new Map<string, Quota>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  private lastSweep = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    if (entry && typeof entry.value === 'number') return (entry.value += by);
    this.put(key, { value: by, expires: this.now() + ttlMs });
    return by;
  }

  async get(key: string): Promise<string | undefined> {
    const value = this.live(key)?.value;
    return value === undefined ? undefined : String(value);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.put(key, { value, expires: ttlMs === undefined ? Infinity : this.now() + ttlMs });
  }

  async values(prefix: string): Promise<Array<{ key: string; value: string }>> {
    const now = this.now();
    const found: Array<{ key: string; value: string }> = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && entry.expires > now) found.push({ key, value: String(entry.value) });
    }
    return found;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
    this.quotas.delete(key);
    this.leases.delete(key);
    this.buckets.delete(key);
  }

  async acquire(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
    const slots = this.slots(key);
    if (!slots.holders.has(holder) && slots.holders.size >= limit) return false;
    const expires = this.now() + ttlMs;
    slots.holders.set(holder, expires);
    if (expires < slots.soonest) slots.soonest = expires;
    return true;
  }

  async renew(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const slots = this.slots(key);
    if (!slots.holders.has(holder)) return false;
    // Later than before: `soonest` stays a lower bound.
    slots.holders.set(holder, this.now() + ttlMs);
    return true;
  }

  async release(key: string, holder: string): Promise<void> {
    const slots = this.leases.get(key);
    slots?.holders.delete(holder);
    if (slots?.holders.size === 0) this.leases.delete(key);
  }

  async count(key: string): Promise<number> {
    return this.slots(key).holders.size;
  }

  async reserve(key: string, holder: string, bytes: number, limit: number, ttlMs: number): Promise<QuotaUsage | undefined> {
    const quota = this.quota(key);
    const usage = this.usageOf(quota);
    if (bytes > 0 && usage.used + usage.reserved + bytes > limit) return undefined;
    const mine = quota.reservations.get(holder);
    quota.reservations.set(holder, { bytes: (mine?.bytes ?? 0) + bytes, expires: this.now() + ttlMs });
    return { used: usage.used, reserved: usage.reserved + bytes };
  }

  async settle(key: string, holder: string | undefined, usedDelta: number): Promise<QuotaUsage> {
    const quota = this.quota(key);
    if (holder !== undefined) quota.reservations.delete(holder);
    quota.used = Math.max(0, (quota.used ?? 0) + usedDelta);
    return this.usageOf(quota);
  }

  async usage(key: string, initialUsed?: number): Promise<QuotaUsage> {
    const quota = this.quota(key);
    if (initialUsed !== undefined && quota.used === undefined) quota.used = Math.max(0, initialUsed);
    return this.usageOf(quota);
  }

  async take(key: string, tokens: number, ratePerSecond: number, burst: number): Promise<number> {
    const now = this.now();
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: burst, at: now }));
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000) - tokens;
    bucket.at = now;
    return bucket.tokens >= 0 ? 0 : (-bucket.tokens * 1000) / ratePerSecond;
  }

  async close(): Promise<void> {}

  /** The entry of `key` unless it expired (then it is dropped). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, entry: Entry): void {
    this.sweep(this.now());
    this.entries.delete(key); // re-inserted last: the map stays ordered oldest first
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /**
   * The unexpired slots of `key` (expired ones are dropped). Scanned only once one may
   * have expired: a key many sessions share (one address behind NAT, one user) would
   * otherwise cost a pass over all of them per login.
   */
  private slots(key: string): Slots {
    let slots = this.leases.get(key);
    if (!slots) this.leases.set(key, (slots = { holders: new Map(), soonest: Infinity }));
    const now = this.now();
    if (slots.soonest > now) return slots;
    slots.soonest = Infinity;
    slots.holders.forEach((expires, holder) => {
      if (expires <= now) slots.holders.delete(holder);
      else if (expires < slots.soonest) slots.soonest = expires;
    });
    return slots;
  }

  private quota(key: string): Quota {
    let quota = this.quotas.get(key);
    if (!quota) this.quotas.set(key, (quota = { used: undefined, reservations: new Map() }));
    return quota;
  }

  private usageOf(quota: Quota): QuotaUsage {
    const now = this.now();
    let reserved = 0;
    for (const [holder, r] of quota.reservations) {
      if (r.expires <= now) quota.reservations.delete(holder);
      else reserved += r.bytes;
    }
    return { used: quota.used ?? 0, reserved };
  }

  /** Drop expired counters, values and idle buckets, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    // A bucket idle this long is full again: forgetting it changes nothing.
    for (const [key, bucket] of this.buckets) if (now - bucket.at > SWEEP_INTERVAL_MS) this.buckets.delete(key);
  }
}

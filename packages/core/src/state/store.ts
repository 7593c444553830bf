/**
 * The shared-state contract: the few primitives ftpkit's limits need, so that every
 * node of a fleet (or every worker of a node:cluster) enforces one set of limits.
 *
 * The core's limits read and write only through a {@link StateStore}; nothing else in
 * the core knows whether it runs as one process or as a hundred nodes. The default,
 * `MemoryStateStore`, keeps the state in the process; `@ftpkit/store-redis` keeps it in
 * Redis; a node:cluster worker reaches its primary's store over IPC. Every store runs
 * `testStateStore()` from `@ftpkit/fs-testkit`.
 *
 * Rules every store follows:
 * - Every method is async and atomic on its own: two nodes calling at once see the
 *   effects in some order, never a mix (Redis: one Lua script per call).
 * - Keys are opaque strings chosen by the core (`ban:203.0.113.9`, `user:alice`); a
 *   store may prefix them. Times are milliseconds; expiry is measured on the store's
 *   own clock (Redis: the server's), so nodes need no synchronised clocks.
 * - Holders are opaque strings unique to one session or upload on one node
 *   (`<node id>/<n>`), so a holder's entries are its own.
 * - A store that cannot answer rejects (the caller applies its failure policy); it
 *   never hangs: the core puts a timeout on every call.
 *
 * Lease expiry bound: a lease (a session slot, a connection slot, an upload's quota
 * reservation) lives `ttlMs` after it was acquired or last renewed. Its node renews it
 * every `ttlMs / 3` while the session lives and releases it when the session ends, so a
 * node that dies (SIGKILL, power loss, network split) leaks nothing for longer than
 * `ttlMs` (the server's `leaseTtl`, default 30 s).
 */

/** A quota's shared bookkeeping: bytes stored and bytes reserved by uploads in flight. */
export interface QuotaUsage {
  /** Bytes stored, as recorded by every node. */
  used: number;
  /** Bytes reserved by live (unexpired) uploads. */
  reserved: number;
}

export interface StateStore {
  // Counters with expiry (failed logins of an address, bans of an address).

  /**
   * Add `by` to the counter `key` (created at 0) and return the new value. The expiry is
   * set to `ttlMs` from now when the counter is created and left alone afterwards, so a
   * counter counts within a fixed window.
   */
  increment(key: string, by: number, ttlMs: number): Promise<number>;

  // Values with expiry (a ban's end, TLS ticket keys).

  /** The value of `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Set `key` to `value`, expiring `ttlMs` from now (no expiry when omitted). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Remove a value or counter. */
  delete(key: string): Promise<void>;
  /**
   * The unexpired values and counters whose keys start with `prefix` (listing the bans
   * for an administrator). Not for hot paths: Redis answers it with SCAN.
   */
  values(prefix: string): Promise<Array<{ key: string; value: string }>>;

  // Leases: a counting semaphore whose slots expire unless renewed.

  /**
   * Take one of the `limit` slots of `key` for `holder`, valid `ttlMs`. True when granted
   * (also when `holder` already held one: its expiry is then extended); false when
   * `limit` other unexpired holders hold slots.
   */
  acquire(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean>;
  /** Extend `holder`'s slot by `ttlMs` from now; false when it had expired (and is gone). */
  renew(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Give `holder`'s slot back (nothing happens when it has none). */
  release(key: string, holder: string): Promise<void>;
  /** Unexpired slots of `key`. */
  count(key: string): Promise<number>;

  // Quotas: stored bytes plus reservations, which are leases (a dead node's expire).

  /**
   * Reserve `bytes` more for `holder`'s upload when `used + reserved + bytes <= limit`,
   * and (re)set the reservation's expiry to `ttlMs` from now. `bytes` 0 only renews.
   * Returns the usage after the call, or undefined when the bytes do not fit.
   */
  reserve(key: string, holder: string, bytes: number, limit: number, ttlMs: number): Promise<QuotaUsage | undefined>;
  /**
   * Drop `holder`'s reservation (when given) and add `usedDelta` to the stored bytes
   * (never below 0). Returns the usage after the call.
   */
  settle(key: string, holder: string | undefined, usedDelta: number): Promise<QuotaUsage>;
  /**
   * The usage of `key`. With `initialUsed`, a quota nobody recorded yet starts at that
   * many stored bytes (the first node to measure wins; later ones read its figure).
   */
  usage(key: string, initialUsed?: number): Promise<QuotaUsage>;

  // Token buckets (bandwidth).

  /**
   * Take `tokens` from the bucket `key`, which refills at `ratePerSecond` up to `burst`
   * (a new bucket starts full), going into debt when there are not enough. Returns the
   * milliseconds the caller must wait before using them (0: now). Debt keeps every
   * taker together at the rate.
   */
  take(key: string, tokens: number, ratePerSecond: number, burst: number): Promise<number>;

  /** Stop using the store (close connections, stop timers). Later calls may reject. */
  close?(): Promise<void>;
}

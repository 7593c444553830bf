/**
 * A token bucket for bandwidth limits: tokens are bytes, refilled at a steady rate up to
 * a small burst. One bucket can be shared by several streams (every session of a user);
 * each stream only waits for its own bytes, so other sessions are never slowed.
 */

/**
 * What the throttled streams pace bytes through: a {@link TokenBucket} of this process,
 * or a `SharedTokenBucket` in a state store (whose `take` is async now and then).
 */
export interface BandwidthBucket {
  /** Sustained rate in bytes per second. */
  readonly bytesPerSecond: number;
  /** Take `bytes` tokens; the milliseconds to wait before sending them (0: now). */
  take(bytes: number): number | Promise<number>;
}

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Sustained rate in bytes per second (> 0). */
  bytesPerSecond: number;
  /**
   * Bytes that may pass at once after an idle period. Default: 50 ms of the rate (at
   * least 16 KiB), small enough that measured rates stay close to the limit.
   */
  burstBytes?: number;
}

/**
 * A bandwidth limit in bytes per second with a small burst, shareable by several
 * streams (every session of a user); each stream waits only for its own bytes.
 */
export class TokenBucket implements BandwidthBucket {
  /** Sustained rate in bytes per second. */
  readonly bytesPerSecond: number;
  /** Largest number of tokens the bucket holds. */
  readonly burstBytes: number;
  private tokens: number;
  private refilledAt: number;

  /** Throws a `RangeError` unless `bytesPerSecond` is a positive number. */
  constructor(options: TokenBucketOptions) {
    const rate = options.bytesPerSecond;
    if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError('TokenBucket: bytesPerSecond must be a positive number');
    this.bytesPerSecond = rate;
    this.burstBytes = Math.max(1, options.burstBytes ?? Math.max(16 * 1024, Math.floor(rate / 20)));
    this.tokens = this.burstBytes;
    this.refilledAt = performance.now();
  }

  /**
   * Take `bytes` tokens, going into debt when there are not enough; returns the
   * milliseconds to wait before those bytes may be sent (0 when they may go now).
   * Debt keeps several streams sharing the bucket at the rate in total.
   */
  take(bytes: number): number {
    const now = performance.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.refilledAt) * this.bytesPerSecond) / 1000);
    this.refilledAt = now;
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.bytesPerSecond;
  }
}

/**
 * The longest wait any of `buckets` asks for `bytes` (each bucket is charged); a number
 * unless a shared bucket had to ask its store.
 */
export function takeFromAll(buckets: readonly BandwidthBucket[], bytes: number): number | Promise<number> {
  let wait = 0;
  let pending: Promise<number>[] | undefined;
  for (const bucket of buckets) {
    const taken = bucket.take(bytes);
    if (typeof taken === 'number') wait = Math.max(wait, taken);
    else (pending ??= []).push(taken);
  }
  return pending ? Promise.all(pending).then((waits) => Math.max(wait, ...waits)) : wait;
}

/**
 * Largest piece to send at once under `buckets`: about 50 ms of the slowest rate, so a
 * 256 KiB chunk is spread out rather than sent in one burst and then waited for.
 */
export function pieceSize(buckets: readonly BandwidthBucket[]): number {
  const slowest = Math.min(...buckets.map((b) => b.bytesPerSecond));
  return Math.max(1024, Math.min(64 * 1024, Math.floor(slowest / 20)));
}

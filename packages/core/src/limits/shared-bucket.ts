/**
 * A token bucket kept in a state store, so that one user's bandwidth limit holds across
 * every session on every node. Tokens are taken from the store in grants of about
 * 200 ms of the rate, and spent locally, so a transfer asks the store a few times a
 * second rather than per chunk. While the store fails, a local bucket of the same rate
 * paces the bytes (the limit then holds per node).
 */
import type { StateStore } from '../state/store.js';
import { TokenBucket, type BandwidthBucket, type TokenBucketOptions } from './token-bucket.js';

/** Options of a {@link SharedTokenBucket}. */
export interface SharedTokenBucketOptions extends TokenBucketOptions {
  /** The store, e.g. `server.state`. */
  state: StateStore;
  /** The bucket's name in the store (e.g. `alice:upload`); every node uses the same. */
  key: string;
}

export class SharedTokenBucket implements BandwidthBucket {
  readonly bytesPerSecond: number;
  /** Largest number of tokens the shared bucket holds. */
  readonly burstBytes: number;
  private readonly local: TokenBucket;
  private readonly grantBytes: number;
  private readonly store: StateStore;
  private readonly key: string;
  /** Tokens granted by the store and not spent yet (already waited for). */
  private credit = 0;

  constructor(options: SharedTokenBucketOptions) {
    this.local = new TokenBucket(options);
    this.bytesPerSecond = this.local.bytesPerSecond;
    this.burstBytes = this.local.burstBytes;
    this.grantBytes = Math.max(1024, Math.floor(this.bytesPerSecond / 5));
    this.store = options.state;
    this.key = `bucket:${options.key}`;
  }

  take(bytes: number): number | Promise<number> {
    if (this.credit >= bytes) {
      this.credit -= bytes;
      return 0;
    }
    const ask = Math.max(bytes - this.credit, this.grantBytes);
    return this.store.take(this.key, ask, this.bytesPerSecond, this.burstBytes).then(
      (wait) => {
        // The wait pays for the whole grant: the rest is spent without asking again.
        this.credit += ask - bytes;
        return wait;
      },
      () => this.local.take(bytes),
    );
  }
}

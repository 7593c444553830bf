/**
 * What a server's limits use to reach the shared state: the host's store behind its
 * guard (timeouts, failure policy), or without one an in-process store, which needs no
 * guard; and the node's lease keeper. One per FtpServer.
 */
import type { Logger } from '../logging.js';
import { GuardedStore, type StateFailurePolicy } from './guarded-store.js';
import { LeaseKeeper } from './leases.js';
import { MemoryStateStore } from './memory-store.js';
import type { StateStore } from './store.js';

/** The state options of a server, defaults filled in. */
export interface SharedStateOptions {
  state?: StateStore | undefined;
  stateFailurePolicy: StateFailurePolicy;
  stateTimeout: number;
  leaseTtl: number;
  logger?: Logger | undefined;
}

export class SharedState {
  /** Every call of the limits goes through it. */
  readonly store: StateStore;
  /** The node's leases, renewed on a timer. */
  readonly leases: LeaseKeeper;
  /** How to act when the store fails. */
  readonly failurePolicy: StateFailurePolicy;

  constructor(options: SharedStateOptions, onError: (err: Error) => void) {
    const { stateFailurePolicy: failurePolicy, logger } = options;
    this.failurePolicy = failurePolicy;
    if (!options.state) {
      // Maps in this process never time out or fail: no guard, no lease renewals.
      this.store = new MemoryStateStore();
      this.leases = new LeaseKeeper(this.store, options.leaseTtl, true);
      return;
    }
    this.store = new GuardedStore(options.state, {
      failurePolicy,
      timeout: options.stateTimeout,
      onStatus: (available, error) => {
        if (available) return logger?.info({ state: 'available' }, 'shared state reachable again; limits are shared again');
        const consequence = failurePolicy === 'closed' ? 'refusing new logins (421)' : 'falling back to local limits';
        logger?.error({ state: 'unavailable', err: error }, `shared state unavailable: ${error?.message}; ${consequence}`);
        if (!logger && error) onError(error);
      },
    });
    this.leases = new LeaseKeeper(this.store, options.leaseTtl);
  }

  /** Stop renewing leases and drop the fallback; the store itself belongs to the host. */
  async close(): Promise<void> {
    this.leases.stop();
    await this.store.close?.();
  }
}

/**
 * The lease slots one node holds (connection and session slots), renewed
 * on one timer every third of the lease TTL, so they outlive the node by at most one
 * TTL. A lease the store lost (a restarted Redis) is taken again at the next renewal,
 * past its limit: the session holding it was admitted already.
 *
 * In the node's own in-process store a slot cannot outlive the node, so it is taken
 * without expiry and never renewed: a login costs no renewal bookkeeping there.
 */
import { randomUUID } from 'node:crypto';
import type { StateStore } from './store.js';

export class LeaseKeeper {
  private readonly held = new Map<string, { key: string; holder: string }>();
  private timer: NodeJS.Timeout | undefined;
  /** Unique to this keeper, so that holders made by {@link newHolder} are unique across a fleet. */
  private readonly node = randomUUID();
  private holders = 0;

  constructor(
    private readonly store: StateStore,
    /** Milliseconds a lease lives after its last renewal. */
    readonly ttl: number,
    /** Whether `store` lives and dies with this process (slots then need no expiry). */
    private readonly local = false,
  ) {}

  /** A holder name no other lease of any node uses (cheaper than a UUID per connection). */
  newHolder(): string {
    return `${this.node}:${(this.holders++).toString(36)}`;
  }

  /** Take one of `limit` slots of `key` for `holder`; kept alive until {@link release}. */
  async acquire(key: string, holder: string, limit: number): Promise<boolean> {
    const granted = await this.store.acquire(key, holder, limit, this.local ? Infinity : this.ttl);
    if (granted && !this.local) this.keep(key, holder);
    return granted;
  }

  /** Give a slot back and stop renewing it. */
  async release(key: string, holder: string): Promise<void> {
    if (!this.local) this.forget(key, holder);
    await this.store.release(key, holder);
  }

  /** Stop renewing a slot (released). */
  private forget(key: string, holder: string): void {
    this.held.delete(`${key}\0${holder}`);
    if (this.held.size === 0) this.stop();
  }

  /** Stop the renewal timer (the server closed); the store's copies expire by themselves. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private keep(key: string, holder: string): void {
    this.held.set(`${key}\0${holder}`, { key, holder });
    if (!this.timer) {
      this.timer = setInterval(() => void this.renewAll(), Math.max(10, Math.floor(this.ttl / 3)));
      this.timer.unref();
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held.values()].map(async ({ key, holder }) => {
        try {
          if (!(await this.store.renew(key, holder, this.ttl))) {
            await this.store.acquire(key, holder, Number.MAX_SAFE_INTEGER, this.ttl);
            // Released meanwhile: do not leave the slot taken again behind.
            if (!this.held.has(`${key}\0${holder}`)) await this.store.release(key, holder);
          }
        } catch {
          // The store is failing: the guard reported it; the next round tries again.
        }
      }),
    );
  }
}

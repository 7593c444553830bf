/**
 * Storage quota bookkeeping for one user: bytes stored plus bytes of uploads in
 * flight, shared by every session of the user so that parallel uploads cannot
 * overshoot together. The figures live in a state store: by default one of the quota's
 * own; with the server's (`server.state`) and a `key`, every node of a fleet shares them,
 * and an upload's reservation is a lease, so a dead node's in-flight bytes come back.
 */
import { randomUUID } from 'node:crypto';
import { FsError } from '../fs/errors.js';
import type { FileSystem, OperationOptions } from '../fs/filesystem.js';
import { joinPath } from '../fs/paths.js';
import { MemoryStateStore } from '../state/memory-store.js';
import type { QuotaUsage, StateStore } from '../state/store.js';

/** Options of a {@link StorageQuota}. */
export interface StorageQuotaOptions {
  /** Most bytes the user may store. */
  maxBytes: number;
  /**
   * Bytes already stored (see {@link measureUsage}). Default 0. With a shared store,
   * only the first node to record the quota sets it; the others read its figure.
   */
  usedBytes?: number;
  /** Where the figures live, e.g. `server.state` to share them across a fleet. Default: the quota's own. */
  state?: StateStore;
  /** The quota's name in `state` (e.g. the user name). Default: unique to this object. */
  key?: string;
  /** Milliseconds an upload's reservation outlives its node. Default 30 s. */
  leaseTtl?: number;
}

/** Bytes an upload reserves at once, so that a transfer does not wait on the store per chunk. */
const GRANT_BYTES = 1024 * 1024;

/**
 * One user's storage quota: bytes stored plus bytes of uploads in flight, shared by
 * every session of the user so that parallel uploads cannot overshoot together.
 */
export class StorageQuota {
  /** Most bytes the user may store. */
  readonly maxBytes: number;
  private readonly store: StateStore;
  private readonly key: string;
  readonly leaseTtl: number;
  private last: QuotaUsage;
  private seeded: Promise<unknown> | undefined;

  constructor(options: StorageQuotaOptions) {
    if (!(options.maxBytes >= 0)) throw new RangeError('StorageQuota: maxBytes must be a non-negative number');
    this.maxBytes = options.maxBytes;
    this.last = { used: Math.max(0, options.usedBytes ?? 0), reserved: 0 };
    this.store = options.state ?? new MemoryStateStore();
    this.key = `quota:${options.key ?? randomUUID()}`;
    this.leaseTtl = options.leaseTtl ?? 30_000;
  }

  /** Bytes stored, as of the quota's last exchange with its store. */
  get usedBytes(): number {
    return this.last.used;
  }

  /** Bytes that may still be stored, counting uploads in flight, as of the last exchange. */
  get availableBytes(): number {
    return Math.max(0, this.maxBytes - this.last.used - this.last.reserved);
  }

  /** Read the current figures (seeding the store when it has none); resolves with the bytes available. */
  // Seeding with the last figure also restores it in a store that lost it (a restarted Redis).
  async refresh(): Promise<number> {
    this.note(await this.store.usage(this.key, this.last.used));
    return this.availableBytes;
  }

  /** @internal Resolves once the store has a figure for this quota (seeded by the first call). */
  seed(): Promise<unknown> {
    return (this.seeded ??= this.refresh().catch((err: unknown) => {
      this.seeded = undefined;
      throw err;
    }));
  }

  /** Record a change of the stored bytes (a file written, replaced or removed). */
  async adjust(deltaBytes: number): Promise<void> {
    await this.refresh(); // seeds a store that lost the figure (a restarted Redis)
    this.note(await this.store.settle(this.key, undefined, deltaBytes));
  }

  /** Start the reservation of one upload. */
  upload(): QuotaReservation {
    return new QuotaReservation(this, this.store, this.key, (usage) => this.note(usage));
  }

  private note(usage: QuotaUsage | undefined): void {
    if (usage) this.last = usage;
  }
}

/**
 * The bytes one upload holds in its quota: claimed as the upload grows, in grants of up
 * to 1 MiB (so most chunks need no call to the store), renewed while it runs, and
 * settled once with what the backend really kept.
 */
export class QuotaReservation {
  private readonly holder = randomUUID();
  private granted = 0;
  private claimed = 0;
  private renewTimer: NodeJS.Timeout | undefined;

  /** @internal Made by {@link StorageQuota.upload}. */
  constructor(
    private readonly quota: StorageQuota,
    private readonly store: StateStore,
    private readonly key: string,
    private readonly note: (usage: QuotaUsage | undefined) => void,
  ) {}

  /**
   * Hold `bytes` more; rejects with `QuotaExceeded` when they do not fit. Returns
   * undefined (no wait) while earlier grants cover them.
   */
  claim(bytes: number): Promise<void> | undefined {
    if (bytes <= 0) return undefined;
    this.claimed += bytes;
    if (this.claimed <= this.granted) return undefined;
    return this.grant(this.claimed - this.granted).catch((err: unknown) => {
      this.claimed -= bytes;
      throw err;
    });
  }

  /** Drop the reservation and record `storedDelta`, the change of the stored bytes. */
  async settle(storedDelta: number): Promise<void> {
    clearInterval(this.renewTimer);
    await this.quota.refresh().catch(() => {});
    this.note(await this.store.settle(this.key, this.granted > 0 ? this.holder : undefined, storedDelta));
  }

  private async grant(needed: number): Promise<void> {
    const { maxBytes, leaseTtl } = this.quota;
    // Ask for a larger grant while there is room; near the limit, only for what is needed.
    const roomy = Math.min(GRANT_BYTES, Math.floor(this.quota.availableBytes / 2));
    await this.quota.seed();
    const reserve = (bytes: number) => this.store.reserve(this.key, this.holder, bytes, maxBytes, leaseTtl);
    let usage = roomy > needed ? await reserve(roomy) : undefined;
    let got = usage ? roomy : 0;
    if (!usage) {
      usage = await reserve(needed);
      got = usage ? needed : 0;
    }
    this.note(usage);
    if (!usage) throw quotaExceeded(maxBytes);
    this.granted += got;
    // The reservation is a lease: renewed while the upload runs, gone soon after a crash.
    this.renewTimer ??= setInterval(() => void reserve(0).catch(() => {}), leaseTtl / 3).unref();
  }
}

/** The error for an upload that would not fit in a quota of `maxBytes`. */
export function quotaExceeded(maxBytes: number): FsError {
  return new FsError('QuotaExceeded', `Storage quota exceeded (${maxBytes} bytes)`);
}

/**
 * Total size of the files under `path`, walking the tree with `list`. Costs one listing
 * per directory: measure once per user and keep the {@link StorageQuota}. `options.signal`
 * stops the walk.
 */
export async function measureUsage(fs: FileSystem, path = '/', options?: OperationOptions): Promise<number> {
  let total = 0;
  for await (const entry of fs.list(path, options)) {
    if (entry.type === 'directory') total += await measureUsage(fs, joinPath(path, entry.name), options);
    else if (entry.type === 'file') total += entry.size;
  }
  return total;
}

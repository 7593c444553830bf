/**
 * Where fs-s3 keeps the records of multipart uploads left open for a resume: a tiny
 * get/set/delete contract with an expiry, so that a shared store (Redis, or the core's
 * shared-state contract once it exists) can back it for a fleet of servers. The default
 * lives in this process and is shared by every S3FileSystem in it (each FTP session
 * has its own file system, and the resume comes in a later session).
 */

/** Values with an expiry, by key. Values are opaque JSON strings. */
export interface ResumeStore {
  /** The value at `key`, or undefined when there is none or it expired. */
  get(key: string): Promise<string | undefined>;
  /** Store `value` at `key` for `ttlMs` milliseconds, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Remove `key` (no error when absent). */
  delete(key: string): Promise<void>;
}

/**
 * How long an interrupted upload is kept for a resume by default: 24 hours. A sweeper
 * of stale multipart uploads must leave uploads younger than this (or still recorded in
 * the store, see `keptForResume`) alone.
 */
export const DEFAULT_RESUME_TTL_MS = 24 * 60 * 60 * 1000;

/** A {@link ResumeStore} in this process's memory; entries expire lazily on read. */
export class MemoryResumeStore implements ResumeStore {
  readonly #entries = new Map<string, { value: string; expires: number }>();

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, { value, expires: Date.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}

/** The store used when none is given: one per process. */
export const processResumeStore: ResumeStore = new MemoryResumeStore();
